"""The Chinese edition in the built site (`make book` builds both): every page has its twin in the other
edition and links to it, says its language, and shows the same numbers as its English twin; the Chinese search
and the Chinese PDF work. Pages come from _toc.yml, editions from reviewkit.i18n.languages."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from reviewkit.i18n import languages
from reviewkit.model.toc import toc_files

pytestmark = pytest.mark.site

PAGES = toc_files()
ZH = languages.edition("zh")
EN = languages.edition(languages.SOURCE)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
HAN = re.compile(r"[\u4e00-\u9fff]")


def page(site: Path, edition: languages.Edition, name: str) -> Path:
    return (site / edition.folder if edition.folder else site) / f"{name}.html"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def target(path: Path, href: str) -> Path:
    parts = urlsplit(href)
    assert not parts.scheme and not parts.netloc, f"{path}: {href} leaves the site"
    return (path.parent / unquote(parts.path)).resolve()


def chapter_pages(site: Path, edition: languages.Edition) -> set[str]:
    root = site / edition.folder if edition.folder else site
    return {p.relative_to(root).with_suffix("").as_posix() for p in (root / "chapters").glob("*.html")}


def test_every_page_of_the_toc_has_its_chinese_twin_and_no_other(site):
    assert chapter_pages(site, ZH) == chapter_pages(site, EN) == set(PAGES)


@pytest.mark.parametrize("edition, other", [(EN, ZH), (ZH, EN)], ids=["en", "zh"])
def test_the_switcher_of_every_page_opens_its_twin(site, edition, other):
    for name in PAGES:
        path = page(site, edition, name)
        links = soup(path).select("a.reviewkit-language")
        assert len(links) == len(languages.EDITIONS) - 1, name
        [link] = [a for a in links if a.get("hreflang") == other.html_lang]
        assert target(path, link["href"]) == page(site, other, name).resolve(), name
        assert link.get("lang") == other.html_lang


@pytest.mark.parametrize("edition", [EN, ZH], ids=["en", "zh"])
def test_every_page_says_its_language(site, edition):
    for name in PAGES:
        document = soup(page(site, edition, name))
        lang = document.html.get("lang", "")
        assert lang.split("-")[0] == edition.html_lang.split("-")[0], (name, lang)
        assert document.select_one('meta[property="og:locale"]')["content"] == edition.og_locale, name
        items = [json.loads(s.string) for s in document.find_all("script", type="application/ld+json")]
        article = next(i for i in items if i["@type"] == "ScholarlyArticle")
        assert article["inLanguage"] == edition.html_lang, name


@pytest.mark.parametrize("edition", [EN, ZH], ids=["en", "zh"])
def test_every_pages_hreflang_alternates_resolve_to_every_edition_of_it(site, edition):
    for name in PAGES:
        path = page(site, edition, name)
        alternates = {link["hreflang"]: target(path, link["href"])
                      for link in soup(path).select('link[rel="alternate"][hreflang]')}
        for other in languages.EDITIONS.values():
            assert alternates[other.html_lang] == page(site, other, name).resolve(), (name, other.code)
        assert alternates["x-default"] == page(site, EN, name).resolve(), name


def glued(document: BeautifulSoup) -> Counter:
    return Counter(" ".join(span.get_text().split()) for span in document.select("span.pasted-text"))


def numbers_in_cells(document: BeautifulSoup) -> Counter:
    return Counter(number for cell in document.select("td") for number in NUMBER.findall(cell.get_text()))


@pytest.mark.parametrize("name", PAGES)
def test_every_number_equals_its_english_twin(site, name):
    english, chinese = soup(page(site, EN, name)), soup(page(site, ZH, name))
    assert glued(chinese) == glued(english), "the glued values of the Chinese page are the English page's"
    assert numbers_in_cells(chinese) == numbers_in_cells(english), "the tables show the same numbers"


@pytest.mark.parametrize("name", PAGES)
def test_a_not_translated_notice_sits_only_on_english_text(site, name):
    """A paragraph the build says has no translation shows its English; text the toolkit already wrote in Chinese
    (a box, the list of newer evidence) never carries the notice."""
    for notice in soup(page(site, ZH, name)).select(".reviewkit-translation-missing"):
        paragraph = notice.find_parent("p")
        notice.extract()
        assert not HAN.search(paragraph.get_text()), paragraph.get_text()[:120]


def test_the_number_comparison_has_something_to_compare(site):
    assert any(glued(soup(page(site, EN, name))) for name in PAGES)
    assert any(numbers_in_cells(soup(page(site, EN, name))) for name in PAGES)


def search_index(site: Path) -> dict:
    text = (site / ZH.folder / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("Search.setIndex(") + len("Search.setIndex("):text.rindex(")")])


def test_chinese_search_indexes_a_glossary_term_whole_and_finds_the_bsab_chapters(site):
    index = search_index(site)
    term = "双特异性抗体"
    found = set()
    for table in ("terms", "titleterms"):  # Sphinx indexes a word of a page's title under titleterms only
        entry = index[table].get(term, [])
        found |= {index["docnames"][i] for i in (entry if isinstance(entry, list) else [entry])}
    bsab = {name for name in PAGES if "bsab" in name}
    assert bsab and bsab <= found, (bsab, found)


def font_names(pdf: Path) -> set[str]:
    names = set()
    for pdf_page in PdfReader(pdf).pages:
        for font in (pdf_page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            names |= {str(font.get("/BaseFont", "")),
                      str(descriptor.get_object().get("/FontName", "")) if descriptor else ""}
            for descendant in font.get("/DescendantFonts") or []:
                descendant = descendant.get_object()
                names.add(str(descendant.get("/BaseFont", "")))
    return names - {""}


def test_the_chinese_pdf_embeds_a_cjk_font_and_holds_the_chinese_title(site):
    pdfs = sorted((site / ZH.folder / "pdf").glob("*.pdf"))
    assert pdfs
    index = soup(page(site, ZH, PAGES[0]))
    title = index.h1.get_text(" ", strip=True).replace("#", "")
    characters = HAN.findall(title)
    assert characters, f"the Chinese landing page's title {title!r} is in Chinese"
    for pdf in pdfs:
        assert any("CJK" in name for name in font_names(pdf)), (pdf.name, font_names(pdf))
        text = "".join(p.extract_text() or "" for p in PdfReader(pdf).pages[:3])
        assert "".join(characters) in "".join(HAN.findall(text)), pdf.name
