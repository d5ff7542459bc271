"""The book's Sphinx extension (listed in _config.yml): the one list of what the build wires, in order, and the one
ordered pipeline that ends every build. Each feature lives in its own module or folder of reviewkit/sphinx/ and
connects its own per-document handlers; ARCHITECTURE.md says what each is for.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from reviewkit import __version__
from reviewkit.sphinx import build_report, edition, security

# The features, in the order they are set up. Before anything is read, build_report runs `make check`'s checks.
FEATURES = (
    "reviewkit.sphinx.build_report",  # refuse bad sources before reading; publish data, check links, report
    "reviewkit.sphinx.language",  # the edition's language: catalogues, Chinese search, hreflang, lag notices
    "reviewkit.sphinx.output_text",  # the text inside kernel outputs (tables, charts) in the edition's language
    "reviewkit.sphinx.rebuilds",  # data-aware rebuilds, the execution cache key, where each source check is shown
    "reviewkit.sphinx.rebuilds.parallel_execution",  # the chapters to execute, several kernels at once
    "reviewkit.sphinx.data_table",  # {data-table}: the tables chapters show, the one table builder
    "reviewkit.sphinx.directives",  # {data-dictionary}, {source-check-table}
    "reviewkit.sphinx.evidence.source_checks",  # {source-check} boxes, compact marks, the status legend
    "reviewkit.sphinx.evidence.updates",  # {evidence-update} boxes, the landing list of newer evidence
    "reviewkit.sphinx.evidence.since_changed",  # {since-changed}: a statement of the review that has since changed
    "reviewkit.sphinx.evidence.abbreviations",  # abbreviations in evidence boxes spelled out (glossary.csv)
    "reviewkit.sphinx.citations",  # the ids of the references page's entries (notice marks find citations by them)
    "reviewkit.sphinx.citation_style",  # author-year citations, a letter after the year where two read alike
    "reviewkit.sphinx.reference_list",  # the references page: the review's numbers, added sources by kind
    "reviewkit.sphinx.notice_marks",  # a notice beside every citation of a flagged work
    "reviewkit.sphinx.changelog",  # What changed: {change-log}
    "reviewkit.sphinx.search_footer",  # when the evidence was last searched, in each chapter's footer
    "reviewkit.sphinx.edition",  # the version on every page, JSON-LD, versions.json, the PDF edition
    "reviewkit.sphinx.page_context",  # static chart images, scripts, what a page's date depends on
    "reviewkit.sphinx.vega_bundle",  # offline Vega, Vega-Lite and Vega-Embed
    "reviewkit.sphinx.linkcheck",  # `make linkcheck`'s settings
    "reviewkit.sphinx.security",  # page policy, Content-Security-Policy, visibility of source checks, cell outputs
)

# The end of every HTML build, in this order.
FINISH = (
    build_report.remove_stale_pages,  # first: no later step sees the page of a removed chapter
    security.finish,  # every page secured and policed
    edition.finish,  # versions.json; the PDF edition, printed from the secured pages
    build_report.finish,  # last: the data published, every internal link checked, the build report written
)


def _finish(app: Sphinx, exception) -> None:
    for step in FINISH:
        step(app, exception)


def setup(app: Sphinx) -> dict:
    app.add_config_value("reviewkit_check_sources", True, "env")
    # A build of a few chapters only (tests): the whole-book rules (every entry cited, every source check
    # shown next to its claim) are not enforced. Never set for the real book.
    app.add_config_value("reviewkit_partial_build", False, "env")
    for feature in FEATURES:
        app.setup_extension(feature)
    app.connect("build-finished", _finish, priority=900)  # after other extensions' own end-of-build work
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
