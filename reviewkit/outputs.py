"""What executed cells produced, read from the executed notebook (every cell, removed ones included): output
on stderr and errors fail the build even where the cell is removed from the page (myst-nb judges stderr only
in cells it renders), and one cell's output has a size limit, so a runaway loop cannot publish a 10 MB page.
"""

from __future__ import annotations

import json
from pathlib import Path

from myst_nb.core.render import NbElementRenderer

from . import paths

RENDER_PLUGIN = "reviewkit"  # its name in pyproject.toml's [project.entry-points."myst_nb.renderers"]
BUILD_CELL = "# Added by the build"  # the cells reviewkit adds (see reviewkit.runtime, reviewkit.sphinxext)
MAX_CELL_OUTPUT = 512 * 1024  # bytes of one cell's outputs; today's largest is a few KiB


def _first_line(cell: dict) -> str:
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    lines = [line for line in source.splitlines() if line.strip() and not line.startswith(":")]
    return lines[0][:60] if lines else ""


def notebook_problems(notebook: dict, limit: int = MAX_CELL_OUTPUT) -> list[str]:
    problems = []
    code_cells = [cell for cell in notebook.get("cells", []) if cell.get("cell_type") == "code"
                  and BUILD_CELL not in "".join(cell.get("source", ""))]  # numbered as the author sees them
    for number, cell in enumerate(code_cells, start=1):
        where = f"code cell {number} ('{_first_line(cell)}')"
        outputs = cell.get("outputs", [])
        size = sum(len(json.dumps(output, ensure_ascii=False).encode("utf-8")) for output in outputs)
        if size > limit:
            problems.append(f"{where} produced {size // 1024} KiB of output; the limit is {limit // 1024} KiB. "
                            "Fix: show a summary (a table or a chart of the data), not the raw output")
        for output in outputs:
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                text = "".join(output.get("text", ""))
                problems.append(f"{where} wrote to stderr: {text.strip()[:200]!r}. Fix: remove the cause of the "
                                "warning or error (stderr is an error even in a removed cell)")
            elif output.get("output_type") == "error":
                problems.append(f"{where} raised {output.get('ename')}: {output.get('evalue', '')[:200]}")
    return problems


class OutputsRenderer(NbElementRenderer):
    """myst-nb's renderer, which also judges the whole executed notebook once it is rendered.

    myst-nb's `render_plugin` hook (entry point `myst_nb.renderers`, see pyproject.toml) is the one place that
    sees the notebook as executed or taken from the cache, removed cells included; reviewkit.hardening
    makes the build use it.
    """

    def render_nb_finalise(self, metadata: dict) -> None:
        super().render_nb_finalise(metadata)
        chapter = paths.relative(Path(self.renderer.document["source"]))
        for problem in notebook_problems(self.renderer.nb_client.notebook):
            self.logger.warning(f"[reviewkit] {chapter}: {problem}", subtype="reviewkit_outputs")
