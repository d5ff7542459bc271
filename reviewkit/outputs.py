"""What executed cells produced, read from the executed notebook (every cell, removed ones included): output
on stderr and errors fail the build even where the cell is removed from the page (myst-nb judges stderr only
in cells it renders), and one cell's output has a size limit, so a runaway loop cannot publish a 10 MB page.
"""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)
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


def check_doctree(app, doctree) -> None:
    from myst_nb.sphinx_ext import OUTPUT_FOLDER

    docname = app.env.docname
    executed = Path(app.outdir).parent / OUTPUT_FOLDER / f"{docname}.ipynb"
    if not executed.is_file() or executed.stat().st_mtime < getattr(app, "reviewkit_started", 0) - 1:
        return  # not a notebook, or not re-read in this build
    chapter = app.env.doc2path(docname, False)
    for problem in notebook_problems(json.loads(executed.read_text(encoding="utf-8"))):
        logger.warning(f"[reviewkit] {chapter}: {problem}", location=docname, type="reviewkit", subtype="outputs")
