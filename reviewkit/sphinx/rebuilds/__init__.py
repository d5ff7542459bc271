"""Data-aware rebuilds: a chapter's declared ``data_files`` and the toolkit modules its code imports
(reviewkit.model.code_imports) are hashed; a changed hash makes Sphinx re-read the chapter, and the hashes go into a
hidden cell so the execution cache misses exactly when an input changed (and hits again when it is reverted).
Any change to the toolkit re-reads every page (the build renders them with it) but executes only the chapters
that import what changed. Also keeps, per document, where each
source check is shown, so the audit table can link to it and a check shown nowhere fails the build.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

from reviewkit import __version__
from reviewkit.model import code_imports, mystdoc, paths
from reviewkit.book import runtime
from reviewkit.model.chapters import Chapter

logger = logging.getLogger(__name__)
TOOLKIT_INPUT = "reviewkit (toolkit code)"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def toolkit_hash() -> str:
    """Every module of the package: what the build itself renders pages with (once per build)."""
    return code_imports.package_hash()


def input_hashes(declared: list[str], code_cells: list[str] | None) -> dict[str, str]:
    """Content hashes of a chapter's declared inputs and, for an executable chapter (``code_cells`` given), of
    the implicit inputs and of the toolkit modules its code imports (reviewkit.model.code_imports)."""
    executable = code_cells is not None
    hashes = {}
    for relative in [*declared, *(runtime.IMPLICIT_INPUTS if executable else ())]:
        path = paths.root() / relative
        hashes[relative] = _sha256(path) if path.is_file() else "missing"
    if executable:
        hashes[TOOLKIT_INPUT] = code_imports.modules_hash(code_cells)
    return hashes


def _code_cells(chapter: Chapter) -> list[str] | None:
    return [cell.body for cell in mystdoc.code_cells(chapter.text)] if chapter.has_code_cells else None


def _current_hashes(recorded: dict[str, str]) -> dict[str, str]:
    """The recorded hashes with the declared inputs' recomputed. The toolkit's is kept as recorded: any change to
    the toolkit re-reads every page anyway (_on_env_get_outdated), which recomputes it."""
    current = input_hashes([name for name in recorded if name != TOOLKIT_INPUT], None)  # implicit ones included
    if TOOLKIT_INPUT in recorded:
        current[TOOLKIT_INPUT] = recorded[TOOLKIT_INPUT]
    return current


def _inputs_cell(chapter: str, hashes: dict[str, str]) -> str:
    return (
        "\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
        "# Added by the build: the content hashes of this chapter's inputs make the execution cache key\n"
        "# depend on its data; the call checks that the chapter read no undeclared data file.\n"
        "import reviewkit.book.runtime\n"
        f"reviewkit.book.runtime.verify_inputs({chapter!r}, {json.dumps(hashes, sort_keys=True)})\n"
        "```\n"
    )


def _on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    path = Path(app.env.doc2path(docname))
    chapter = Chapter(path, source[0].replace("\r\n", "\n"))
    hashes = input_hashes(chapter.data_files, _code_cells(chapter))
    app.env.reviewkit_inputs = getattr(app.env, "reviewkit_inputs", {})
    app.env.reviewkit_inputs[docname] = hashes
    if chapter.has_code_cells:
        source[0] = runtime.with_watch_cell(source[0]).rstrip("\n") + _inputs_cell(chapter.name, hashes)


def _on_env_get_outdated(app, env, added, changed, removed) -> list[str]:
    if getattr(env, "reviewkit_toolkit", None) != toolkit_hash():
        # The toolkit renders every page (tables, boxes, scripts): a new version re-reads them all.
        env.reviewkit_toolkit = toolkit_hash()
        logger.info("[reviewkit] toolkit changed, re-reading every page")
        return sorted(env.found_docs - set(removed))
    if removed:
        # Every page links the chapters in its navigation (sidebar, previous and next): with one gone, each is
        # written again, or unchanged pages would still link the removed page (reviewkit.sphinx.build_report deletes it).
        logger.info(f"[reviewkit] {', '.join(sorted(removed))} removed, re-reading every page")
        return sorted(env.found_docs - set(removed))
    recorded = getattr(env, "reviewkit_inputs", {})
    stale = []
    for docname, hashes in recorded.items():
        if docname in removed or docname in changed or docname not in env.found_docs:
            continue
        if _current_hashes(hashes) != hashes:
            stale.append(docname)
    if stale:
        logger.info(f"[reviewkit] inputs changed, re-reading: {', '.join(sorted(stale))}")
    return stale


def _on_env_purge_doc(app, env, docname) -> None:
    getattr(env, "reviewkit_inputs", {}).pop(docname, None)
    placements = getattr(env, "reviewkit_source_check_docs", {})
    for check_id in [c for c, d in placements.items() if d == docname]:
        del placements[check_id]
    getattr(env, "reviewkit_source_check_table_docs", set()).discard(docname)


def _on_env_merge_info(app, env, docnames, other) -> None:
    inputs = env.__dict__.setdefault("reviewkit_inputs", {})
    inputs.update({doc: h for doc, h in getattr(other, "reviewkit_inputs", {}).items() if doc in docnames})
    placements = env.__dict__.setdefault("reviewkit_source_check_docs", {})
    placements.update({check: doc for check, doc in getattr(other, "reviewkit_source_check_docs", {}).items()
                       if doc in docnames})
    env.__dict__.setdefault("reviewkit_source_check_table_docs", set()).update(
        getattr(other, "reviewkit_source_check_table_docs", set()))


def _on_env_before_read_docs(app, env, docnames: list[str]) -> None:
    app.reviewkit_pages_read = bool(docnames)  # pages will be written (reviewkit.sphinx.edition starts the printer)


def rewritten_when_changed(env, key: str, docs: set[str], state) -> list[str]:
    """``docs`` when ``state`` (what their pages read from the rest of the book as they are written: where a
    row or a check is shown, the pages' titles) differs from when they were last written; else none. For
    ``env-get-updated`` handlers of pages that link to wherever the book shows something."""
    digest = hashlib.sha256(repr(state).encode("utf-8")).hexdigest()
    written = env.__dict__.setdefault("reviewkit_written_state", {})
    if written.get(key) == digest:
        return []
    written[key] = digest
    return sorted(docs & env.found_docs)


def _on_env_get_updated(app, env) -> list[str]:
    # The audit table links to the page and box where each source check is shown.
    placements = getattr(env, "reviewkit_source_check_docs", {})
    titles = {doc: env.titles[doc].astext() for doc in set(placements.values()) if doc in env.titles}
    return rewritten_when_changed(env, "source-check-tables", getattr(env, "reviewkit_source_check_table_docs", set()),
                                  (sorted(placements.items()), sorted(titles.items())))


def _on_env_check_consistency(app, env) -> None:
    from reviewkit.model.records import source_check_rows

    if app.config.reviewkit_partial_build:
        return
    placements = getattr(env, "reviewkit_source_check_docs", {})
    for check_id, (_, row) in sorted(source_check_rows().items()):
        if check_id not in placements:
            logger.warning(
                f"[reviewkit] source check {check_id} ({row['status']}: {row['claim']}) is shown in no chapter. "
                f"Fix: add ':::{{source-check}} {check_id}' right after the claim in its chapter "
                f"(section {row['review_section']} of the review); a finding may not be hidden.",
                type="reviewkit", subtype="source_check")



def setup(app: Sphinx) -> dict:
    app.connect("env-before-read-docs", _on_env_before_read_docs)
    app.connect("env-get-updated", _on_env_get_updated)
    app.connect("env-check-consistency", _on_env_check_consistency)
    app.connect("source-read", _on_source_read)
    app.connect("env-get-outdated", _on_env_get_outdated)
    app.connect("env-purge-doc", _on_env_purge_doc)
    app.connect("env-merge-info", _on_env_merge_info)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
