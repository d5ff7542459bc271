"""The build's start and end: the pre-build check before anything is read; after an HTML build, the data
package published beside the pages, the site's own links checked, and a report for the tests and the
benchmark (which chapters ran, how long, with which inputs)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from reviewkit import __version__
from reviewkit.sphinx.prebuild_check import check_before_build
from reviewkit.sphinx.data_export import publish_data
from reviewkit.sphinx.site_links import internal_link_problems

logger = logging.getLogger(__name__)
REPORT_NAME = "reviewkit-build.json"


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


def finish(app: Sphinx, exception) -> None:
    """End of the build (reviewkit.sphinx.FINISH): the data published, every internal link checked, the build report."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    publish_data(outdir)
    for problem in internal_link_problems(outdir):
        logger.warning(f"[reviewkit] broken internal link: {problem}", type="reviewkit", subtype="links")
    _write_report(app)


# Pages Sphinx writes that are no document of the book (jupyter-book's redirect index.html among them).
SPECIAL_PAGES = {"genindex", "search", "py-modindex", "index"}


def stale_pages(outdir: Path, docnames: set[str], special: set[str]) -> list[Path]:
    """Pages (and their copied sources) in ``outdir`` of documents the book no longer has: Sphinx writes the
    pages of the documents it has and leaves those of removed ones where they are."""
    stale = []
    for page in sorted(outdir.rglob("*.html")):
        relative = page.relative_to(outdir)
        if relative.parts[0].startswith(("_", ".")) or relative.parts[0] in ("data", "pdf"):
            continue
        docname = relative.with_suffix("").as_posix()
        if docname not in docnames and docname not in special:
            stale.append(page)
            stale += sorted((outdir / "_sources" / relative.parent).glob(f"{relative.stem}.*"))
    return stale


def remove_stale_pages(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    special = SPECIAL_PAGES | set(getattr(app.config, "html_additional_pages", None) or {})
    for path in stale_pages(outdir, set(app.env.found_docs), special):
        logger.info(f"[reviewkit] removed {path.relative_to(outdir)}: its chapter is no longer in the book")
        path.unlink()


def _on_builder_inited(app: Sphinx) -> None:
    app.reviewkit_started = time.time()
    if app.config.reviewkit_check_sources:
        check_before_build(app)



def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", _on_builder_inited)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
