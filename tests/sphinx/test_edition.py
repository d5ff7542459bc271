"""The edition's parts that need no build: JSON-LD, the print document of the PDF, the versioned site."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from reviewkit.sphinx.edition import jsonld, pdf
from reviewkit.publish import site
from reviewkit.sphinx.edition import NEWER_MARKER, pdf_names
from reviewkit.history.versions import Edition, Version

ROOT = Path(__file__).resolve().parents[2]


def test_json_ld_cannot_break_out_of_its_script_element():
    hostile = "</script><script>alert(1)</script> & 'quotes'"
    markup = str(jsonld.script(jsonld.scholarly_article(
        headline=hostile, book="Book", author="Team", version="2026.12", date_modified="2026-12-01",
        date_published="2026-12-01", based_on={"@id": "https://doi.org/10.1/x"})))
    assert markup.count("</script>") == 1 and "<script>" not in markup
    payload = re.match(r'<script type="application/ld\+json">(.*)</script>', markup, re.S).group(1)
    assert json.loads(payload)["headline"] == hostile


def test_the_review_is_read_from_citation_cff():
    review = jsonld.review_reference(ROOT / "CITATION.cff")
    assert review["@id"] == "https://doi.org/10.3872/j.issn.1007-385x.2025.09.001"
    assert review["@type"] == "ScholarlyArticle" and review["author"][0]["familyName"] == "Chen"


def test_the_dataset_lists_every_csv():
    descriptor = {"title": "Data", "resources": [{"name": "a", "path": "a.csv", "title": "A"},
                                                 {"name": "b", "path": "b.csv"}]}
    node = jsonld.dataset(descriptor=descriptor, version="2026.12", date_modified=None, author="Team",
                          based_on={}, url_for=lambda name: f"../data/{name}")
    urls = [d["contentUrl"] for d in node["distribution"]]
    assert urls == ["../data/a.csv", "../data/b.csv", "../data/datapackage.json"]
    assert node["@type"] == "Dataset" and node["version"] == "2026.12"


def test_pdf_names_keep_each_version():
    released = Version("2026.12", "2026-12-01", "corrections-only", "s")
    assert pdf_names(Edition(released, released)) == ["living-review-2026.12.pdf", "living-review.pdf"]
    assert pdf_names(Edition(None, released))[0] == "living-review-2026.12-unreleased.pdf"
    assert pdf_names(Edition(None, None))[0] == "living-review-unreleased.pdf"


def test_reading_order_is_the_toc_order():
    order = pdf.reading_order(ROOT)
    assert order[0] == "chapters/index"
    listed = [line.split("file:")[1].strip() for line in (ROOT / "_toc.yml").read_text().splitlines()
              if "file:" in line]
    assert order[1:] == listed


PAGE = """<html><body><article class="bd-article"><div class="reviewkit-edition">v {marker}</div>
<section id="top"><h1>{title}<a class="headerlink" href="#top">#</a></h1>
<p><a href="#sec">here</a> <a href="{other}.html#x">there</a> <a href="../data/a.csv">CSV</a>
<a href="https://doi.org/10.1/x">DOI</a></p>
<div class="cell_input">code()</div>
<div class="reviewkit-chart" id="chart-1"><script type="application/json">{{}}</script>
<noscript><img class="reviewkit-chart-static" src="../_static/charts/chart-1.svg" alt="A chart"/></noscript>
<p class="reviewkit-chart-fallback">A chart</p></div>
<section id="sec"><h2>Part</h2><span id="x"></span></section></section></article></body></html>"""


@pytest.fixture
def built(tmp_path):
    out = tmp_path / "html"
    (out / "chapters").mkdir(parents=True)
    (out / "_static" / "charts").mkdir(parents=True)
    (out / "_static" / "charts" / "chart-1.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    for name, title, other in (("one", "First chapter", "two"), ("two", "Second chapter", "one")):
        (out / "chapters" / f"{name}.html").write_text(PAGE.format(title=title, other=other, marker=NEWER_MARKER))
    return out


def test_the_print_document_joins_the_chapters_with_links_inside_it(built):
    document = pdf.print_html(built, ["chapters/one", "chapters/two"], title="The <book>", edition="Version 1",
                              based_on="A review", licence="CC BY 4.0", url="")
    soup = BeautifulSoup(document, "html.parser")
    assert soup.select_one(".print-book-title").get_text() == "The <book>"
    assert [a.get_text() for a in soup.select(".print-contents a")] == ["First chapter", "Second chapter"]
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), "ids of different chapters never clash"
    for link in soup.select("a[href^='#']"):
        assert soup.find(id=link["href"][1:]) is not None, link
    hrefs = [a["href"] for a in soup.find_all("a", href=True)]
    assert "#doc-chapters-two--x" in hrefs and "https://doi.org/10.1/x" in hrefs
    assert not any(h.endswith(".csv") for h in hrefs), "downloads are not dead links in a PDF"
    images = soup.find_all("img")
    assert len(images) == 2 and all(Path(img["src"].removeprefix("file://")).is_file() for img in images)
    for gone in ("script", ".cell_input", ".headerlink", ".reviewkit-edition", ".reviewkit-chart-fallback"):
        assert not soup.select(gone), gone


def test_the_site_marks_older_versions_with_a_link_to_the_newest(built, tmp_path):
    versions = [{"version": "2026.12", "date": "2026-12-01"}, {"version": "2026.11", "date": "2026-11-30"}]
    (built / "versions.json").write_text(json.dumps({"versions": versions}))
    out = tmp_path / "site"
    assert site.assemble(out, built, {"2026.12": built, "2026.11": built}) == ["2026.12", "2026.11"]
    old = BeautifulSoup((out / "v" / "2026.11" / "chapters" / "one.html").read_text(), "html.parser")
    link = old.select_one(".reviewkit-newer-version a")
    assert (out / "v" / "2026.11" / "chapters" / link["href"]).resolve() == (
        out / "v" / "2026.12" / "chapters" / "one.html").resolve()
    assert "reviewkit-newer-version" not in (out / "v" / "2026.12" / "chapters" / "one.html").read_text()
    assert json.loads((out / "v" / "2026.11" / "versions.json").read_text())["versions"] == versions
    with pytest.raises(site.SiteError, match="no build of version"):
        site.assemble(tmp_path / "other", built, {"2026.12": built})


def test_an_old_build_without_a_banner_cannot_be_marked(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "index.html").write_text("<p>no banner</p>")
    with pytest.raises(site.SiteError, match="no page with an edition banner"):
        site.mark_older(tmp_path / "old", "2026.11", tmp_path, {"version": "2026.12", "date": "2026-12-01"})


def _config_inited(monkeypatch, chromium, ci):
    from types import SimpleNamespace

    from reviewkit.sphinx import edition
    from reviewkit.history import versions

    monkeypatch.setattr(versions, "edition", lambda: Edition(None, None))
    monkeypatch.setattr(pdf, "chromium", lambda: chromium)
    monkeypatch.delenv("CI", raising=False)
    if ci:
        monkeypatch.setenv("CI", "true")
    app = SimpleNamespace(buildername="html")
    config = SimpleNamespace(reviewkit_pdf=True, html_context={})
    edition._on_config_inited(app, config)
    return app, config


def test_without_chromium_the_book_builds_without_a_pdf_and_says_so(monkeypatch, caplog):
    import logging

    with caplog.at_level(logging.INFO):
        app, config = _config_inited(monkeypatch, None, ci=False)
    assert app.reviewkit_pdf is False and config.html_context["reviewkit_pdf"] is False
    assert "Chromium is not installed" in caplog.text and "without it" in caplog.text
    app, _ = _config_inited(monkeypatch, "/usr/bin/chromium", ci=False)
    assert app.reviewkit_pdf is True


def test_under_ci_a_missing_chromium_is_a_failure(monkeypatch):
    from sphinx.errors import ExtensionError

    with pytest.raises(ExtensionError, match="Under CI a missing PDF is a failure"):
        _config_inited(monkeypatch, None, ci=True)


def test_other_builders_need_no_pdf(monkeypatch):
    from types import SimpleNamespace

    from reviewkit.sphinx import edition
    from reviewkit.history import versions

    monkeypatch.setattr(versions, "edition", lambda: Edition(None, None))
    monkeypatch.setattr(pdf, "chromium", lambda: None)
    monkeypatch.setenv("CI", "true")
    app = SimpleNamespace(buildername="linkcheck")
    edition._on_config_inited(app, SimpleNamespace(reviewkit_pdf=True, html_context={}))
    assert app.reviewkit_pdf is False
