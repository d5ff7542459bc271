"""Each page as the theme renders it: a static image of every chart (for readers without JavaScript), the
chart and table scripts only where needed, page dates from git, description and Open Graph tags, and the
workarounds for Jupyter Book 1's duplicated inline scripts and the bibliography's ARIA roles."""

from __future__ import annotations

import json
import re
import subprocess
from functools import cache
from pathlib import Path

from sphinx.application import Sphinx

from . import __version__, paths
from .chart_markup import CHART_CLASS, CHART_PATTERN, static_image
from .rebuilds import TOOLKIT_INPUT


@cache
def _git_date(*files: str) -> str | None:
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", *files], cwd=paths.root(),
                             capture_output=True, text=True, timeout=20, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


def _with_static_images(app: Sphinx, body: str, pathto) -> str:
    """A static SVG of every chart, shown to readers without JavaScript (and to crawlers). Usually the kernel's
    own drawing, kept when the chapter was rendered (reviewkit.outputs); drawn here otherwise."""
    outdir = Path(app.outdir)

    def add_image(match: re.Match) -> str:
        target = static_image(outdir, match["id"])
        if not target.is_file():  # the id is a hash of the spec: an existing file is this chart
            from .charts import static_svg  # altair and vl-convert: imported only to draw a new chart

            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(static_svg(json.loads(match["spec"])), encoding="utf-8")
        src = pathto(f"_static/charts/{target.name}", 1)
        return match.group(1) + f'<noscript><img class="reviewkit-chart-static" src="{src}" alt="{match["label"]}"/></noscript>'

    return CHART_PATTERN.sub(add_image, body)


def _unique_scripts(scripts: list) -> list:
    """Jupyter Book 1 registers some inline scripts twice (sphinx-thebe, sphinx-togglebutton); a repeated
    `const` declaration is a SyntaxError in every reader's console. Keep the first of each."""
    seen, unique = set(), []
    for script in scripts:
        # The copies differ only in filename None versus "" (both: an inline script).
        key = (str(getattr(script, "filename", script) or ""), tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    return unique


def _on_html_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if "script_files" in context:
        context["script_files"][:] = _unique_scripts(context["script_files"])  # in place: add_js_file appends to it
    body = context.get("body", "")
    if 'role="list" class="citation-list"' in body:
        # docutils marks the bibliography as an ARIA list whose items are not list items (an axe "critical"
        # violation); without the roles it is plain, valid structure.
        body = body.replace('<div role="list" class="citation-list">', '<div class="citation-list">')
        body = body.replace(' role="doc-biblioentry"', "")
        context["body"] = body
    if "reviewkit-sortable" in body:
        app.add_js_file("reviewkit-tables.js", loading_method="defer")
    if CHART_CLASS in body:
        context["body"] = body = _with_static_images(app, body, context["pathto"])
        app.add_js_file(app.reviewkit_bundle, loading_method="defer")
        app.add_js_file("reviewkit-charts.js", loading_method="defer")
    if doctree is not None and pagename in app.env.found_docs:
        source = paths.relative(Path(app.env.doc2path(pagename)))
        inputs = [name for name in getattr(app.env, "reviewkit_inputs", {}).get(pagename, {}) if name != TOOLKIT_INPUT]
        _page_metadata(app, pagename, context, doctree)
        date = _git_date(source, *inputs)
        if date:
            context["last_updated"] = date
        else:
            context.pop("last_updated", None)


def _page_metadata(app: Sphinx, pagename: str, context: dict, doctree) -> None:
    """Description and Open Graph tags from the page's title and first paragraph (no third-party host)."""
    import html as html_module

    from docutils import nodes as docutils_nodes

    paragraph = next((p for p in doctree.findall(docutils_nodes.paragraph)
                      if len(p.astext()) > 60 and not isinstance(p.parent, docutils_nodes.admonition)), None)
    description = " ".join((paragraph.astext() if paragraph else app.config.project).split())
    if len(description) > 200:
        description = description[:197].rsplit(" ", 1)[0] + "…"
    title = context.get("title") or app.config.project
    tags = {
        "name=\"description\"": description,
        "property=\"og:title\"": html_module.unescape(str(title)),
        "property=\"og:description\"": description,
        "property=\"og:type\"": "article",
        "property=\"og:site_name\"": app.config.project,
    }
    context["metatags"] = context.get("metatags", "") + "".join(
        f'<meta {attribute} content="{html_module.escape(value, quote=True)}" />\n' for attribute, value in tags.items())




def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _on_html_page_context)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
