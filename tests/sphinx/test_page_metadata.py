"""Description and Open Graph tags, as the book configures them (_config.yml, sphinxext-opengraph and
reviewkit.sphinx.page_context), on a small Sphinx project whose page holds what a chapter may: a box before the first
paragraph, a comment, and text with quotes and markup-like characters."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT

pytestmark = pytest.mark.build

SITE_TITLE = "A <b>living</b> review & more"
PAGE_TITLE = 'Tom & "Jerry" <i>x</i>'
PARAGRAPH = 'Fish & "chips" <script>alert(1)</script> are the subject of this page, described at some length here.'
PAGE = f"""{PAGE_TITLE}
{"=" * len(PAGE_TITLE)}

.. note:: Key findings in a box that comes first, which no description should quote.

.. a comment no reader sees

{PARAGRAPH}

A second paragraph.
"""


def book_settings() -> dict:
    """The Open Graph settings, exactly as _config.yml gives them to Sphinx."""
    sphinx = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]
    assert "sphinxext.opengraph" in sphinx["extra_extensions"]
    return {key: value for key, value in sphinx["config"].items() if key.startswith("ogp_")}


def build(tmp_path: Path, baseurl: str = "") -> BeautifulSoup:
    source = tmp_path / "source"
    source.mkdir()
    settings = book_settings()
    settings |= {"extensions": ["sphinxext.opengraph", "reviewkit.sphinx.page_context"], "project": "Project name not set",
                 "html_title": SITE_TITLE, "html_baseurl": baseurl}
    (source / "conf.py").write_text("".join(f"{key} = {value!r}\n" for key, value in settings.items()))
    (source / "index.rst").write_text(PAGE, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "-q", str(source), str(tmp_path / "html")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return BeautifulSoup((tmp_path / "html" / "index.html").read_text(encoding="utf-8"), "html.parser")


def plain_quotes(text: str) -> str:
    return text.translate(str.maketrans("“”", "\"\""))


def meta(soup: BeautifulSoup, **attributes) -> str | None:
    tag = soup.head.find("meta", attrs=attributes)
    return tag["content"] if tag else None


def test_description_and_open_graph_tags_come_from_the_page(tmp_path):
    soup = build(tmp_path)
    description = meta(soup, name="description")
    # Sphinx's smart quotes are the page's own text; the description goes on into the next paragraph up to its length.
    assert plain_quotes(description).startswith(PARAGRAPH), "the first paragraph, read as text"
    assert "Key findings" not in description and "comment" not in description, "never the box or the comment"
    assert meta(soup, property="og:description") == description
    assert plain_quotes(meta(soup, property="og:title")) == PAGE_TITLE
    assert meta(soup, property="og:type") == "article"
    assert meta(soup, property="og:site_name") == SITE_TITLE, "the book's title, not Sphinx's unset project"
    assert len(soup.head.find_all("meta", attrs={"name": "description"})) == 1


def test_markup_in_the_text_stays_text_in_the_tags(tmp_path):
    soup = build(tmp_path)
    assert not any("alert(1)" in (script.string or "") for script in soup.find_all("script"))
    assert soup.head.find("i") is None and soup.head.find("b") is None


def test_no_image_and_no_url_that_a_crawler_would_resolve_wrongly(tmp_path):
    soup = build(tmp_path)
    assert meta(soup, property="og:image") is None, "no image from any host, no generated card"
    assert meta(soup, property="og:url") is None, "no base URL: an og:url relative to the root would be wrong"


def test_the_site_address_makes_og_url_absolute(tmp_path):
    soup = build(tmp_path, baseurl="https://example.org/review/")
    assert meta(soup, property="og:url") == "https://example.org/review/index.html"
