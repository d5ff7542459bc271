"""The edition's language inside the build: the same sources, read through the translation catalogues.

English is the book as written. A translated edition is the same Sphinx project built with `-D language=zh_CN`
(`make book` builds both; `make serve LANG=zh` previews the Chinese): Sphinx's gettext machinery replaces each
paragraph by its translation, and the execution cache is shared, so no chapter executes twice for the same data.

Here, for a translated edition:
- the authors' catalogues are compiled into the build's own folder (reviewkit.i18n.catalogues), and a chapter's
  page is read again when its catalogue changed (Sphinx tracks the compiled files);
- Chinese search segments words with jieba, with the glossary's Chinese terms as its dictionary, so a term such as
  双特异性抗体 is indexed whole;
- a paragraph whose translation lags its English says so to the reader, with the date and a link (roles
  `translation-lag`, `translation-missing`).

For every edition: the switcher in the edition banner (reviewkit.sphinx.edition), `hreflang` alternates and the
Open Graph locale.
"""

from __future__ import annotations

import datetime
import html
import subprocess
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from reviewkit.i18n import catalogues, generated, languages
from reviewkit.i18n.generated import N_, _, translated
from reviewkit.model import inputs, paths

logger = logging.getLogger(__name__)
COMPILED = ".reviewkit-locale"
SEARCH_DICTIONARY = "search-dictionary.txt"
# jieba keeps a dictionary word whole when its frequency is high enough to beat the split into shorter words.
SEARCH_WORD_FREQUENCY = 100000
# Shorter untranslated paragraphs (a label, a name) stay in English without a notice.
NOTICE_MIN_LENGTH = 40
# myst-nb's defaults (nb_code_prompt_show/hide), here to be translated.
CODE_PROMPT_SHOW = N_("Show code cell {type}")
CODE_PROMPT_HIDE = N_("Hide code cell {type}")


def edition_of(app: Sphinx) -> languages.Edition:
    return languages.edition(app.config.language or languages.SOURCE)


def compiled_dir(app: Sphinx) -> Path:
    return Path(app.outdir).parent / COMPILED


def _english_dates(root: Path, docnames) -> dict[str, str]:
    """Each chapter's date of last change: its newest commit, or today for a chapter edited since."""
    today = datetime.date.today().isoformat()
    dates = {}
    for docname in docnames:
        source = f"{docname}.md"
        try:
            changed = subprocess.run(["git", "status", "--porcelain", "--", source], cwd=root, capture_output=True,
                                     text=True, check=True).stdout.strip()
            committed = subprocess.run(["git", "log", "-1", "--format=%cs", "--", source], cwd=root,
                                       capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            changed, committed = "", ""
        dates[docname] = today if changed or not committed else committed
    return dates


def search_dictionary(target: Path) -> Path:
    """jieba's user dictionary: every Chinese term of data/glossary.csv, one per line."""
    _header, rows = inputs.read_records(paths.data_dir() / "glossary.csv")
    terms = sorted({(row.get("chinese_term") or "").strip() for _, row in rows} - {""})
    catalogues.write_if_changed(target, "".join(f"{term} {SEARCH_WORD_FREQUENCY} n\n" for term in terms).encode("utf-8"))
    return target


def _on_config_inited(app: Sphinx, config) -> None:
    try:
        edition = languages.edition(config.language or languages.SOURCE)
    except languages.UnknownLanguage as error:
        raise ExtensionError(f"-D language={config.language}: {error}") from None
    config.ogp_custom_meta_tags = [*config.ogp_custom_meta_tags,
                                   f'<meta property="og:locale" content="{edition.og_locale}" />']
    if edition.code == languages.SOURCE:
        generated.use(None, None)
        return
    # After doctools.js (200), before Sphinx's translations.js (500): see the script.
    app.add_js_file("reviewkit-translations.js", priority=499)
    target = compiled_dir(app)
    root = paths.root()
    chapters = catalogues.catalogues(edition.code, root)
    results = catalogues.compile_for_build(edition.code, target, _english_dates(root, chapters), root)
    catalogues.compile_toolkit(edition.code, target, root)
    lagging = sum(len(r.lagging) for r in results)
    missing = sum(len(r.untranslated) for r in results)
    if lagging or missing:
        logger.info(f"[reviewkit] {edition.name}: {lagging} paragraph(s) lag their English and {missing} are not "
                    "translated yet; their pages say so (`make check` lists them)")
    generated.use(target, edition.code)
    # The book's title (_config.yml) and myst-nb's toggle of hidden code, in the edition's language.
    config.html_title = translated(config.html_title)
    config.nb_code_prompt_show = translated(CODE_PROMPT_SHOW)
    config.nb_code_prompt_hide = translated(CODE_PROMPT_HIDE)
    config.locale_dirs = [str(target)]
    config.gettext_compact = False
    config.html_search_options = {**(config.html_search_options or {}),
                                  "dict": str(search_dictionary(target / SEARCH_DICTIONARY))}


class GeneratedTextIsNoMessage(SphinxTransform):
    """Text the toolkit's directives build (boxes, What changed, the data dictionary) is no message of a chapter's
    catalogue: it is written in the edition's language where it is built (reviewkit.i18n.generated), and it holds
    data (ids, dates, versions) that would make a message lag at every change. Such nodes have no source text of
    their own (MyST lends a directive's output its line and file, not its text) until Sphinx's
    ApplySourceWorkaround (priority 10) fills it in from their text: they are marked before it."""

    default_priority = 9

    def apply(self, **kwargs) -> None:
        for node in self.document.findall(nodes.TextElement):
            if not (node.source and node.rawsource) and not isinstance(node, nodes.Inline):
                node["translatable"] = False


class TranslateCaptions(SphinxTransform):
    """The captions of the table of contents (_toc.yml), which sphinx-external-toc inserts after Sphinx's own
    translation, in the edition's language (the toolkit's catalogue holds them: reviewkit.i18n.generated)."""

    default_priority = 101  # sphinx-external-toc's InsertToctrees is 100

    def apply(self, **kwargs) -> None:
        if (self.config.language or languages.SOURCE) == languages.SOURCE:
            return
        for toctree in self.document.findall(addnodes.toctree):
            if toctree.get("caption"):
                toctree["caption"] = toctree["rawcaption"] = translated(toctree["caption"])


class UntranslatedNotice(SphinxTransform):
    """After Sphinx's Locale transform: a paragraph of a translated edition that found no translation of its current
    English (new, or edited since `make translations`) stays in English and says so, with the English page's date."""

    default_priority = 21  # Locale is 20

    def apply(self, **kwargs) -> None:
        if (self.config.language or languages.SOURCE) == languages.SOURCE:
            return
        lagging = [node for node in self.document.findall(nodes.paragraph)
                   if node.get("translated") is False and not _in_caption_or_table(node)
                   and len(node.astext()) >= NOTICE_MIN_LENGTH]
        if not lagging:
            return
        # The chapter's date once (two git calls), not once per paragraph.
        date = _english_dates(paths.root(), [self.env.docname])[self.env.docname]
        edition = languages.edition(self.config.language)
        for node in lagging:
            node += _notice("missing", date, self.env.docname, edition)


def _in_caption_or_table(node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, (nodes.table, nodes.caption, nodes.title, nodes.term)):
            return True
        parent = parent.parent
    return False


def _notice(kind: str, date: str, docname: str, edition: languages.Edition) -> nodes.raw:
    """The reader's notice on a paragraph that lags its English, in the edition's language, linking the English."""
    words = (_("The English of this paragraph was updated on {date}; this translation may lag.") if kind == "lag" else
             _("This paragraph has no translation of its current English (updated on {date}); it is shown in "
               "English.")).format(date=date)
    twin = english_twin(docname, edition.folder)
    markup = (f' <span class="reviewkit-translation-{kind}" lang="{edition.html_lang}">{html.escape(words)} '
              f'<a href="{html.escape(twin)}" hreflang="en" lang="en">English</a></span>')
    return nodes.raw("", markup, format="html")


def english_twin(docname: str, folder: str) -> str:
    """The relative address of the English page from the translated page of the same document."""
    return "../" * (docname.count("/") + folder.count("/") + 1) + f"{docname}.html"


def _lag_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """`{translation-lag}`<date>``, appended by the build to a translation made from an older English."""
    env = inliner.document.settings.env
    return [_notice("lag", text.strip(), env.docname, languages.edition(env.config.language))], []


def alternates(app: Sphinx, pagename: str) -> list[tuple[languages.Edition, str]]:
    """(edition, address) of every edition of ``pagename``, relative to the page (absolute with a base URL)."""
    here = edition_of(app)
    base = (app.config.html_baseurl or "").rstrip("/")
    up = "../" * (pagename.count("/") + (here.folder.count("/") + 1 if here.folder else 0))
    found = []
    # A copy reduced to a few chapters (tests) is built in English only (reviewkit.publish): no other edition.
    editions = [here] if app.config.reviewkit_partial_build else languages.EDITIONS.values()
    for edition in editions:
        path = (f"{edition.folder}/" if edition.folder else "") + f"{pagename}.html"
        if base:
            root = base if not here.folder else base.removesuffix(f"/{here.folder}")
            found.append((edition, f"{root}/{path}"))
        else:
            found.append((edition, up + path))
    return found


def switcher(app: Sphinx, pagename: str) -> str:
    """Links to the same page in the other editions, for the edition banner."""
    here = edition_of(app)
    links = [f'<a class="reviewkit-language" href="{html.escape(href)}" hreflang="{edition.html_lang}" '
             f'lang="{edition.html_lang}">{html.escape(edition.name)}</a>'
             for edition, href in alternates(app, pagename) if edition != here]
    return " ".join(links)


def _on_html_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if doctree is None or pagename not in app.env.found_docs:
        return
    tags = [f'<link rel="alternate" hreflang="{edition.html_lang}" href="{html.escape(href)}" />'
            for edition, href in alternates(app, pagename)]
    if len(tags) < 2:
        return
    english = dict((e.code, href) for e, href in alternates(app, pagename))[languages.SOURCE]
    tags.append(f'<link rel="alternate" hreflang="x-default" href="{html.escape(english)}" />')
    context["metatags"] = context.get("metatags", "") + "\n".join(tags)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _on_config_inited)
    app.add_role(catalogues.LAG_ROLE, _lag_role)
    app.add_transform(UntranslatedNotice)
    app.add_transform(TranslateCaptions)
    app.add_transform(GeneratedTextIsNoMessage)
    app.connect("html-page-context", _on_html_page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
