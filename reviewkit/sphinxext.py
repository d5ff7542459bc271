"""The book's Sphinx extension (listed in _config.yml): a short list of what the build wires, each concern in
its own module.

- reviewkit.build_report: refuses to build when `make check` would fail (checks remembered by what they read,
  reviewkit.check_memo); publishes data/ beside the pages, checks every internal link and anchor, writes a
  build report for the tests and the benchmark.
- reviewkit.rebuilds: data-aware rebuilds and the execution-cache key of each chapter (its data and the
  toolkit modules its code imports, reviewkit.code_imports); pages that link across the book rewritten only
  when what they link to moved.
- reviewkit.page_memo: the steps that read the finished site skip pages whose bytes they already handled.
- reviewkit.vega_bundle: the offline charts' local Vega bundle.
- reviewkit.page_context: per-page chart images and scripts; the data a page's date depends on.
- and the directives, surveillance, edition, parallel execution and hardening modules named in setup().
"""

from __future__ import annotations

from sphinx.application import Sphinx

from . import __version__


def setup(app: Sphinx) -> dict:
    from .directives import DataDictionary, SourceCheck, SourceCheckTable, fill_source_check_tables, source_check_table

    app.setup_extension("reviewkit.linkcheck")
    app.setup_extension("reviewkit.evidence_updates")
    app.setup_extension("reviewkit.abbreviations")  # abbreviations in data boxes spelled out (glossary.csv)
    app.setup_extension("reviewkit.since_changed")  # {since-changed}: a statement of the review that changed
    app.setup_extension("reviewkit.source_checks")  # compact marks, boxes and the status legend
    app.setup_extension("reviewkit.citations")  # bibliography anchors that table citations link to
    app.setup_extension("reviewkit.reference_list")  # the references page: review numbers, added sources by kind
    app.setup_extension("reviewkit.watch.footer")
    app.setup_extension("reviewkit.watch.notice_marks")  # notices beside every citation of a flagged work
    app.setup_extension("reviewkit.changelog")  # What changed: {change-log}
    app.setup_extension("reviewkit.edition")  # version on every page, JSON-LD, PDF edition, versions.json
    app.setup_extension("reviewkit.parallel_execution")
    app.setup_extension("reviewkit.hardening")  # page policy, Content-Security-Policy, visibility, cell outputs
    app.add_config_value("reviewkit_check_sources", True, "env")
    # A build of a few chapters only (tests): the whole-book rules (every entry cited, every source check
    # shown next to its claim) are not enforced. Never set for the real book.
    app.add_config_value("reviewkit_partial_build", False, "env")
    app.add_directive("data-dictionary", DataDictionary)
    app.add_directive("source-check", SourceCheck)
    app.add_directive("source-check-table", SourceCheckTable)
    app.add_node(source_check_table)
    app.connect("doctree-resolved", fill_source_check_tables)
    app.setup_extension("reviewkit.rebuilds")  # data-aware rebuilds, where each source check is shown
    app.setup_extension("reviewkit.vega_bundle")  # offline Vega/Vega-Lite/Vega-Embed
    app.setup_extension("reviewkit.build_report")  # pre-build check; publish data, link check, build report
    app.setup_extension("reviewkit.page_context")  # static chart images, scripts, what page dates depend on
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 1}
