"""What executed cells produced, read from the executed notebook (every cell, removed ones included): output
on stderr and errors fail the build even where the cell is removed from the page (myst-nb judges stderr only
in cells it renders), and one cell's output has a size limit, so a runaway loop cannot publish a 10 MB page.
The static drawing of each chart is kept from the kernel's output (the page shows it without JavaScript).

Markdown a cell prints is parsed as MyST (the tables, reviewkit.sphinx.data_table), so it may name only the
directive and roles tables are made of: a `{raw}`, `{include}` or `{eval-rst}` printed by code would pass text or
files into the page unchecked, as a chapter may not (reviewkit.checks.html_policy).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from myst_nb.core.render import NbElementRenderer

from reviewkit.model import paths
from reviewkit.book.chart_markup import CHART_PATTERN, static_image
from reviewkit.book.table_markup import DIRECTIVE, ROLES

RENDER_PLUGIN = "reviewkit"  # its name in pyproject.toml's [project.entry-points."myst_nb.renderers"]
BUILD_CELL = "# Added by the build"  # the cells reviewkit adds (see reviewkit.book.runtime, reviewkit.sphinx)
MAX_CELL_OUTPUT = 512 * 1024  # bytes of one cell's outputs; today's largest is a few KiB


# What printed Markdown may name: the table directive, its roles, and sphinxcontrib-bibtex's citation role.
MARKDOWN_NAMES = frozenset({DIRECTIVE, *ROLES, "cite:alp"})
# A directive or role name in braces that no backslash escapes (an escaped backslash before it escapes nothing).
_MARKUP_NAME = re.compile(r"(?<!\\)(?:\\\\)*\{([^{}\s`]*)\}")


def markdown_problems(text: str) -> list[str]:
    """The directives and roles Markdown printed by a cell may not use."""
    names = {match.group(1) for match in _MARKUP_NAME.finditer(text)} - MARKDOWN_NAMES
    return [f"printed Markdown uses {{{name}}}, which printed output may not use (only tables: "
            f"{', '.join(sorted(MARKDOWN_NAMES))}). Fix: show data with reviewkit.book.tables" for name in sorted(names)]


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


def chart_images(notebook: dict, glued: Iterable[dict] = ()) -> dict[str, str]:
    """chart id -> the static SVG the kernel drew beside it: reviewkit.book.charts' renderer puts both in one output,
    shown in a cell or glued (``glued``: myst-nb takes glued outputs out of their cells, see
    NbClientBase.glue_data; in a notebook not yet read by myst-nb they carry its glue prefix)."""
    from myst_nb.ext.glue import GLUE_PREFIX

    outputs = [output for cell in notebook.get("cells", []) for output in cell.get("outputs", [])]
    found = {}
    for output in [*outputs, *glued]:
        data = {key.removeprefix(GLUE_PREFIX): value for key, value in (output.get("data") or {}).items()}
        html, svg = data.get("text/html"), data.get("image/svg+xml")
        if html and svg:
            html, svg = ("".join(v) if isinstance(v, list) else v for v in (html, svg))
            for match in CHART_PATTERN.finditer(html):
                found[match["id"]] = svg
    return found


def keep_chart_images(notebook: dict, outdir: Path, glued: Iterable[dict] = ()) -> None:
    """Save the kernel's drawing of each chart where the page will link it, so the build need not draw it again."""
    for chart_id, svg in chart_images(notebook, glued).items():
        target = static_image(outdir, chart_id)
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(svg, encoding="utf-8")


class OutputsRenderer(NbElementRenderer):
    """myst-nb's renderer, which also judges the whole executed notebook once it is rendered.

    myst-nb's `render_plugin` hook (entry point `myst_nb.renderers`, see pyproject.toml) is the one place that
    sees the notebook as executed or taken from the cache, removed cells included; reviewkit.sphinx.security
    makes the build use it.
    """

    def render_markdown(self, data):
        return self._judged(data, super().render_markdown)

    def render_markdown_inline(self, data):
        return self._judged(data, super().render_markdown_inline)

    def _judged(self, data, render):
        problems = markdown_problems(data.string)
        if problems:
            chapter = paths.relative(Path(self.renderer.document["source"]))
            for problem in problems:
                self.logger.warning(f"[reviewkit] {chapter}: {problem}", subtype="reviewkit_outputs", line=data.line)
            return []  # nothing of it reaches the page
        return render(data)

    def render_nb_finalise(self, metadata: dict) -> None:
        super().render_nb_finalise(metadata)
        chapter = paths.relative(Path(self.renderer.document["source"]))
        notebook = self.renderer.nb_client.notebook
        for problem in notebook_problems(notebook):
            self.logger.warning(f"[reviewkit] {chapter}: {problem}", subtype="reviewkit_outputs")
        env = getattr(self.renderer, "sphinx_env", None)
        if env is not None and env.app.builder.format == "html":
            keep_chart_images(notebook, Path(env.app.outdir), self.renderer.nb_client.glue_data.values())
