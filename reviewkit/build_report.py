"""The build's start and end: the pre-build check before anything is read; after an HTML build, the data
package published beside the pages, the site's own links checked, and a report for the tests and the
benchmark (which chapters ran, how long, with which inputs)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from . import __version__
from .prebuild_check import check_before_build
from .publish import publish_data
from .site_links import internal_link_problems

logger = logging.getLogger(__name__)
REPORT_NAME = "reviewkit-build.json"
LINKS_MEMO = ".reviewkit-page-links.json"  # each page's anchors and links, by its content (reviewkit.page_memo)


def _write_report(app: Sphinx) -> None:
    # myst-nb keeps each document's execution data (ran, when, how long) in its NbMetadataCollector and has no
    # public API for it; its own `nb-exec-table` directive (myst_nb/ext/execution_tables.py) reads it the same
    # way. This is the toolkit's one use of myst_nb.sphinx_.
    from myst_nb.sphinx_ import NbMetadataCollector

    report = {"reviewkit": __version__, "started": app.reviewkit_started, "vega_bundle": app.reviewkit_bundle,
              "chapters": {}}
    for docname in sorted(app.env.found_docs):
        data = NbMetadataCollector.get_exec_data(app.env, docname)
        if not data:
            continue
        report["chapters"][docname] = {
            "succeeded": data.get("succeeded"),
            "runtime": data.get("runtime"),
            "executed_this_build": bool(data.get("mtime") and data["mtime"] >= app.reviewkit_started - 1),
            "inputs": getattr(app.env, "reviewkit_inputs", {}).get(docname, {}),
        }
    Path(app.outdir).parent.joinpath(REPORT_NAME).write_text(json.dumps(report, indent=2), encoding="utf-8")


def _on_build_finished(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    publish_data(outdir)
    for problem in internal_link_problems(outdir, memo=outdir.parent / LINKS_MEMO):
        logger.warning(f"[reviewkit] broken internal link: {problem}", type="reviewkit", subtype="links")
    _write_report(app)


def _on_builder_inited(app: Sphinx) -> None:
    app.reviewkit_started = time.time()
    if app.config.reviewkit_check_sources:
        check_before_build(app)



def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _on_builder_inited)
    # Last: after the pages are secured (reviewkit.hardening, 900) and the PDF edition is printed (950), so the
    # link check sees the site as it is published.
    app.connect("build-finished", _on_build_finished, priority=990)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
