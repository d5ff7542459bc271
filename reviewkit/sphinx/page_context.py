"""Each page as the theme renders it: a static image of every chart (for readers without JavaScript), the
chart and table scripts only where needed, what a page's date depends on, and the workarounds for Jupyter
Book 1's duplicated inline scripts and the bibliography's ARIA roles. Description and Open Graph tags come from
sphinxext-opengraph, "Last updated" from sphinx-last-updated-by-git (both configured in _config.yml)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sphinx.application import Sphinx

from reviewkit import __version__
from reviewkit.model import paths
from reviewkit.book.chart_markup import CHART_CLASS, CHART_PATTERN, static_image
from reviewkit.sphinx.rebuilds import TOOLKIT_INPUT


def _with_static_images(app: Sphinx, body: str, pathto) -> str:
    """A static SVG of every chart, shown to readers without JavaScript (and to crawlers). Usually the kernel's
    own drawing, kept when the chapter was rendered (reviewkit.sphinx.security.outputs); drawn here otherwise."""
    outdir = Path(app.outdir)

    def add_image(match: re.Match) -> str:
        target = static_image(outdir, match["id"])
        if not target.is_file():  # the id is a hash of the spec: an existing file is this chart
            from reviewkit.book.charts import static_svg  # altair and vl-convert: imported only to draw a new chart

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


def _on_doctree_read(app: Sphinx, doctree) -> None:
    """The data files a chapter declares (and the data package, for an executed one: reviewkit.sphinx.rebuilds records
    them at source-read) are dependencies of its page. sphinx-last-updated-by-git dates a page by the newest
    commit of its source and its dependencies, so a corrected CSV cell dates the chapters that show it."""
    docname = app.env.docname
    for name in getattr(app.env, "reviewkit_inputs", {}).get(docname, {}):
        path = paths.root() / name
        if name != TOOLKIT_INPUT and path.is_file():
            app.env.note_dependency(str(path))


def _on_config_inited(app: Sphinx, config) -> None:
    # sphinxext-opengraph writes the description and Open Graph tags (configured in _config.yml). Its site name
    # defaults to Sphinx's `project`, which Jupyter Book leaves unset: the book's title is html_title. Its og:url
    # is absolute only when it knows where the site lives: the site's own base URL, when one is set.
    if "ogp_site_name" in config and config.ogp_site_name is None:
        config.ogp_site_name = config.html_title or config.project
    if "ogp_site_url" in config and not config.ogp_site_url and config.html_baseurl:
        config.ogp_site_url = config.html_baseurl


RELATIVE_OG_URL = re.compile(r'<meta property="og:url" content="(?![a-zA-Z][a-zA-Z0-9+.-]*:)[^"]*" />\n?')


def _without_relative_og_url(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Without a base URL the Open Graph extension writes og:url relative to the site's root, which a crawler
    resolves against the page's own address (chapters/chapters/...): no og:url is better than a wrong one."""
    if "metatags" in context:
        context["metatags"] = RELATIVE_OG_URL.sub("", context["metatags"])


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _on_config_inited)
    app.connect("doctree-read", _on_doctree_read)
    app.connect("html-page-context", _on_html_page_context)
    app.connect("html-page-context", _without_relative_og_url, priority=550)  # after sphinxext-opengraph (500)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
