"""The edition a build is, on every page: its version and release date (or "unreleased changes since"), a
"Download PDF" link, schema.org JSON-LD; and, after the build, the PDF edition and versions.json.

The edition is known before any page is read (config-inited) and goes into ``html_context``: Sphinx
rewrites every page when it changes (a release, a new commit), although no page needs re-reading.
Without Chromium the PDF is skipped with a message (no page links it); under CI (``CI=true``) that is an error.
"""

from __future__ import annotations

import html
import json
import os
import time
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from reviewkit.history import git as history, versions
from reviewkit.sphinx import language
from reviewkit.sphinx.edition import jsonld, pdf
from reviewkit.model import paths, schema
from reviewkit.i18n.generated import _

logger = logging.getLogger(__name__)
NEWER_MARKER = "<!-- reviewkit:newer-version -->"  # where the deploy step says that a newer version exists


def pdf_names(edition: versions.Edition) -> list[str]:
    """The PDF kept for this version, then the stable name of the newest PDF of this site."""
    label = edition.version.version if edition.version else edition.version_text.replace("+", "-")
    return [f"{pdf.NAME}-{label}.pdf", f"{pdf.NAME}.pdf"]


def _on_config_inited(app: Sphinx, config) -> None:
    try:
        app.reviewkit_edition = edition = versions.edition()
    except (history.HistoryError, ValueError) as error:
        raise ExtensionError(f"cannot tell which version this build is: {error}") from error
    wanted = config.reviewkit_pdf and getattr(app, "buildername", "html") == "html"  # not for linkcheck
    app.reviewkit_pdf = wanted and bool(pdf.chromium())
    if wanted and not app.reviewkit_pdf:
        message = ("Debian's Chromium is not installed, so the PDF edition cannot be printed "
                   "(apt-get install chromium; .ci/run installs it).")
        if os.environ.get("CI"):
            raise ExtensionError(message + " Under CI a missing PDF is a failure.")
        logger.info(f"[reviewkit] {message} Building the rest of the book without it.")
    config.html_context = {**config.html_context, "reviewkit_edition": edition.label,
                           "reviewkit_pdf": app.reviewkit_pdf}


def banner(app: Sphinx, pagename: str, pathto) -> str:
    edition = app.reviewkit_edition
    parts = [f'<span class="reviewkit-edition-label">{html.escape(edition.label)}</span>']
    changelog = sorted(getattr(app.env, "reviewkit_changelog_docs", set()))
    if changelog and pagename not in changelog:
        words = _("What changed")  # (outside the f-string: Babel does not read messages inside one)
        parts.append(f'<a href="{html.escape(pathto(changelog[0]))}">{html.escape(words)}</a>')
    if app.reviewkit_pdf:
        href = pathto(f"pdf/{pdf_names(edition)[0]}", 1)
        words = _("Download PDF")
        parts.append(f'<a href="{html.escape(href)}" download>{html.escape(words)}</a>')
    parts.append(language.switcher(app, pagename))
    version = html.escape(edition.version.version if edition.version else "")
    return (f'<div class="reviewkit-edition" role="note" data-version="{version}" data-page="{html.escape(pagename)}">'
            f'<p>{" · ".join(parts)}</p>{NEWER_MARKER}</div>\n')


def _on_html_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if doctree is None or pagename not in app.env.found_docs:
        return
    edition = app.reviewkit_edition
    context["body"] = banner(app, pagename, context["pathto"]) + context.get("body", "")
    title = app.env.titles.get(pagename)
    version, released = edition.version_text, edition.version.date if edition.version else None
    modified = context.get("last_updated") or released
    book = app.config.html_title or app.config.project  # Jupyter Book sets html_title from _config.yml's title
    author = app.config.author or book
    based_on = jsonld.review_reference(paths.root() / "CITATION.cff")
    pdf_url = context["pathto"](f"pdf/{pdf_names(edition)[0]}", 1) if app.reviewkit_pdf else None
    scripts = [jsonld.scholarly_article(headline=title.astext() if title else book,
                                        book=book, author=author, version=version,
                                        date_modified=modified, date_published=released, based_on=based_on,
                                        pdf_url=pdf_url, in_language=language.edition_of(app).html_lang)]
    if pagename in getattr(app.env, "reviewkit_dictionary_docs", set()):
        scripts.append(jsonld.dataset(descriptor=schema.descriptor(), version=version, date_modified=modified,
                                      author=author, based_on=based_on,
                                      url_for=lambda name: context["pathto"](f"data/{name}", 1)))
    context["metatags"] = context.get("metatags", "") + "".join(jsonld.script(s) for s in scripts)


def versions_json(edition: versions.Edition) -> dict:
    """The released versions (newest first) and this build's edition, for readers and the deploy step."""
    return {"this_build": {"version": edition.version_text, "label": edition.label},
            "versions": [{"version": v.version, "date": v.date, "classification": v.classification,
                          "classification_text": v.classification_text, "summary": v.summary,
                          "path": f"v/{v.version}/"} for v in versions.released()]}


def _on_write_started(app: Sphinx, builder) -> None:
    # Pages were read, so pages will be written and the PDF most likely printed: Chromium starts now, while
    # Sphinx writes (a build that read nothing starts it only if the PDF has to be printed after all).
    if app.reviewkit_pdf and builder.format == "html" and getattr(app, "reviewkit_pages_read", False):
        app.reviewkit_printer = pdf.Printer()


def finish(app: Sphinx, exception) -> None:
    """End of the build (reviewkit.sphinx.FINISH): versions.json, and the PDF edition printed from the secured pages."""
    printer = getattr(app, "reviewkit_printer", None)
    app.reviewkit_printer = None
    if exception is not None or app.builder.format != "html":
        if printer is not None:
            printer.cancel()
        return
    outdir = Path(app.outdir)
    edition = app.reviewkit_edition
    (outdir / "versions.json").write_text(json.dumps(versions_json(edition), indent=2), encoding="utf-8")
    if not app.reviewkit_pdf:
        return
    based_on = jsonld.review_reference(paths.root() / "CITATION.cff")
    authors = ", ".join(f"{a['familyName']} {a['givenName'][:1]}" for a in based_on.get("author", []))
    try:
        path, seconds = pdf.build(
            outdir, outdir.parent / ".reviewkit-print", pdf_names(edition), printer,
            title=app.config.html_title or app.config.project,
            edition=edition.label + ("" if edition.version else " " + _("(built {date})").format(
                date=time.strftime("%Y-%m-%d"))),
            based_on=f"{authors}. {based_on.get('name')}. {based_on.get('isPartOf', {}).get('name', '')} "
                     f"{based_on.get('datePublished', '')}. {based_on.get('url', '')}",
            licence=_("Text and data: CC BY 4.0. Cite the original article for its content."),
            lang=language.edition_of(app).html_lang,
            url=app.config.html_baseurl or "")
    except (RuntimeError, OSError) as error:
        raise ExtensionError(f"the PDF edition failed: {error}") from error
    logger.info(f"[reviewkit] PDF edition: {paths.relative(path)} ({path.stat().st_size // 1024} KiB, {seconds:.1f} s)")


def setup(app: Sphinx) -> dict:
    # Set false only where a PDF is not wanted at all; the default builds it whenever Chromium is there.
    app.add_config_value("reviewkit_pdf", True, "html")
    app.connect("config-inited", _on_config_inited)
    app.connect("write-started", _on_write_started)
    app.connect("html-page-context", _on_html_page_context, priority=600)  # after the page dates (500)
    # After the pages are secured (900: the PDF prints each page as published), before the link check (990).
    return {"parallel_read_safe": True, "parallel_write_safe": True}
