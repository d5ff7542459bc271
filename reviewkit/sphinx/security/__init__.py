"""The build's defences against hostile or careless input, wired into Sphinx (listed by reviewkit.sphinx):
page content policed and made inert (reviewkit.sphinx.security.page_policy), a Content-Security-Policy on every page
(reviewkit.sphinx.security.csp), source checks never hidden (reviewkit.sphinx.security.visibility), cell outputs judged whole
(reviewkit.sphinx.security.outputs)."""

from __future__ import annotations

from pathlib import Path

import markupsafe
from sphinx.application import Sphinx
from sphinx.util import logging

from reviewkit.sphinx.security import csp, outputs, page_policy, visibility

logger = logging.getLogger(__name__)


# Jupyter Book 1 always loads sphinx-thebe, which puts thebe's settings (a script pointing at unpkg.com, and
# inline scripts in every page's content) on every page even with launch_buttons.thebe false
# (jupyter-book/jupyter-book#1014, #1603). Thebe stays off (make check enforces it), so they are dropped.
def _is_thebe_script(script) -> bool:
    body = str(getattr(script, "attributes", {}).get("body", ""))
    return str(getattr(script, "filename", "") or "").startswith("sphinx-thebe") or "THEBE_JS_URL" in body


def _without_thebe_nodes(app: Sphinx, doctree, docname) -> None:
    from docutils import nodes

    for node in list(doctree.findall(nodes.raw)):
        text = node.astext().strip()
        if text.startswith('<script type="text/x-thebe-config">') or text.startswith("<script>kernelName ="):
            node.parent.remove(node)


def _on_config_inited(app: Sphinx, config) -> None:
    # Every chapter's executed notebook is judged whole (reviewkit.sphinx.security.outputs); a value from _config.yml would
    # switch that off, so the build sets it (make check rejects one there).
    config.nb_render_plugin = outputs.RENDER_PLUGIN


# Configuration values the theme prints unescaped (pydata-sphinx-theme's navbar title, sphinx-book-theme's
# author line, footer and announcement): make check rejects markup in them; here they become plain text anyway.
SHOWN_CONFIG = ("docstitle", "author", "theme_extra_footer", "theme_announcement", "project", "copyright")


def _on_html_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    for key in SHOWN_CONFIG:
        if isinstance(context.get(key), str):
            context[key] = markupsafe.escape(context[key])
    if "script_files" in context:
        context["script_files"][:] = [s for s in context["script_files"] if not _is_thebe_script(s)]
    body, problems = page_policy.police_body(context.get("body", ""))
    if problems:
        context["body"] = body
        source = app.env.doc2path(pagename, False) if pagename in app.env.found_docs else pagename
        for problem in dict.fromkeys(problems):
            logger.warning(f"[reviewkit] {source}: {problem} (made inert in the page). Fix: remove it; chapters "
                           "hold no raw HTML, and code cells display data with reviewkit.book.tables and charts",
                           type="reviewkit", subtype="page_policy")


def finish(app: Sphinx, exception) -> None:
    """End of the build (reviewkit.sphinx.FINISH): every page secured and policed."""
    if exception is not None or app.builder.format != "html":
        return
    for problem in csp.secure_site(Path(app.outdir), app.config.reviewkit_live_reload):
        logger.warning(f"[reviewkit] {problem}", type="reviewkit", subtype="page_policy")


def setup(app: Sphinx) -> dict:
    # host:port of `make serve` (sphinx-autobuild), given on its command line: its reload script is allowed.
    app.add_config_value("reviewkit_live_reload", "", "html")
    app.add_js_file("reviewkit-actions.js", loading_method="defer")
    app.connect("config-inited", _on_config_inited)
    app.connect("doctree-read", visibility.check_doctree)
    app.connect("doctree-resolved", _without_thebe_nodes, priority=900)  # after sphinx-thebe adds them
    app.connect("html-page-context", _on_html_page_context, priority=900)  # after every other handler
    return {"parallel_read_safe": True, "parallel_write_safe": True}
