"""The built site (`make test` builds it first): pages, numbers, tables, charts, references, audit."""

from __future__ import annotations

import csv
import functools
import hashlib
import re
import subprocess
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import bibtexparser
import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT
from reviewkit.model import statuses
from reviewkit.book.audit import count_name
from reviewkit.model.chapters import Chapter
from reviewkit.model.toc import resolve_toc_file, toc_files
from reviewkit.sphinx.evidence.source_checks import COMPACT_CLASS

pytestmark = pytest.mark.site

SUPERSCRIPTS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def page(site: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((site / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


@functools.cache
def csv_cells() -> dict[str, dict[str, str]]:
    """Raw CSV cells of every table by row id (first column), read with the csv module, not the toolkit."""
    cells = {}
    for path in (ROOT / "data").glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                cells[next(iter(row.values()))] = row
    return cells


def as_number(text: str) -> Decimal | None:
    text = text.strip().replace(",", "")
    mantissa, sep, power = text.partition(" × 10")
    if not sep and text.startswith("10") and text[2:] and all(c in "⁻⁰¹²³⁴⁵⁶⁷⁸⁹" for c in text[2:]):
        mantissa, power = "1", text[2:]
    try:
        value = Decimal(mantissa)
    except ArithmeticError:
        return None
    return value * Decimal(10) ** int(power.translate(SUPERSCRIPTS)) if power else value


CHAPTERS = [Chapter.read(resolve_toc_file(entry)) for entry in toc_files() if resolve_toc_file(entry)]


def test_every_toc_entry_has_a_page(site):
    for entry in toc_files():
        assert (site / f"{entry}.html").is_file(), entry
    assert (site / "index.html").is_file()


def test_every_executable_chapter_ran(build_report):
    executable = [c for c in CHAPTERS if c.has_code_cells]
    assert executable
    for chapter in executable:
        docname = chapter.name.removesuffix(".md")
        assert build_report["chapters"].get(docname, {}).get("succeeded") is True, docname


def _shows_csv_cells(chapter) -> bool:
    cells = csv_cells()
    return any(key.rpartition(".")[0] in cells for _, key in chapter.glue_references())


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if _shows_csv_cells(c)], ids=lambda c: c.name)
def test_glued_numbers_equal_their_csv_cells(site, chapter):
    cells = csv_cells()
    shown = [span.get_text() for span in page(site, chapter.name.removesuffix(".md")).select("span.pasted-text")]
    references = chapter.glue_references()
    assert len(shown) == len(references), "every {glue:text} must render exactly once"
    compared = 0
    for (line, key), text in zip(references, shown):
        row_id, _, column = key.rpartition(".")
        if row_id not in cells or column not in cells[row_id]:
            continue  # a computed value, tested where it is computed
        raw = cells[row_id][column]
        number = as_number(raw) if raw else None
        if number is not None:
            assert as_number(text) == number, f"{chapter.name}:{line} {key}: page shows {text!r}, CSV has {raw!r}"
        else:
            assert text == raw, f"{chapter.name}:{line} {key}"
        compared += 1
    assert compared, "a chapter with glued values must show at least one CSV cell"


def test_tables_link_their_csv_and_the_downloads_are_the_data(site):
    tables = 0
    for chapter in CHAPTERS:
        for figure in page(site, chapter.name.removesuffix(".md")).select("figure.reviewkit-table"):
            tables += 1
            assert figure.figcaption.get_text(strip=True)
            link = figure.select_one("a[download]")
            target = (site / "chapters" / link["href"]).resolve()
            assert target.read_bytes() == (ROOT / "data" / target.name).read_bytes()
    assert tables, "the book shows no table"


def test_charts_are_present_described_and_offline(site):
    charts = 0
    for chapter in CHAPTERS:
        soup = page(site, chapter.name.removesuffix(".md"))
        containers = soup.select("div.reviewkit-chart")
        charts += len(containers)
        for container in containers:
            assert len(container["aria-label"]) > 20
        scripts = [s["src"] for s in soup.find_all("script", src=True)]
        bundles = [s for s in scripts if "vega-bundle." in s]
        assert len(bundles) == (1 if containers else 0), chapter.name
    assert charts, "the book shows no chart"


def test_every_chart_has_a_static_image_for_readers_without_javascript(site):
    for chapter in CHAPTERS:
        html_path = site / f"{chapter.name.removesuffix('.md')}.html"
        for container in BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser").select("div.reviewkit-chart"):
            image = BeautifulSoup(container.noscript.decode_contents(), "html.parser").img
            assert image["alt"] == container["aria-label"]
            svg = (html_path.parent / image["src"]).resolve()
            assert svg.read_text(encoding="utf-8").lstrip().startswith("<svg")


def review_chapters() -> list[str]:
    """The chapters of the part of _toc.yml captioned 'The review' (the review's own sections)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    part = next(part for part in toc["parts"] if part.get("caption") == "The review")
    return [entry["file"] for entry in part["chapters"]]


@pytest.mark.parametrize("name", review_chapters())
def test_each_chapter_shows_its_evidence(site, name):
    soup = page(site, name)
    assert soup.select("figure.reviewkit-table, div.reviewkit-chart"), f"{name} shows no table or chart"
    assert soup.select("a[href*='references.html']"), f"{name} cites nothing"
    titles = [a.select_one(".admonition-title").get_text(strip=True) for a in soup.select("div.admonition")
              if "reviewkit-source-check" not in a["class"] and a.select_one(".admonition-title")]
    assert "Key findings" in titles, f"{name} has no key findings note"


def test_vega_bundle_is_fingerprinted(site):
    (bundle,) = (site / "_static").glob("vega-bundle.*.js")
    fingerprint = bundle.name.split(".")[1]
    assert hashlib.sha256(bundle.read_bytes()).hexdigest()[:12] == fingerprint


def test_no_page_loads_anything_from_another_host(site):
    for html in site.rglob("*.html"):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for element in soup.find_all(tag, attrs={attribute: True}):
                if tag == "link" and not set(element.get("rel", [])) & {"stylesheet", "preload", "icon", "modulepreload"}:
                    continue
                assert not re.match(r"^(https?:)?//", element[attribute]), f"{html.name}: {element}"
    assert "cdn.jsdelivr" not in "".join(p.read_text(encoding="utf-8") for p in site.glob("chapters/*.html"))


def test_references_page_lists_every_entry_with_its_doi(site):
    soup = page(site, "chapters/references")
    entries = bibtexparser.parse_file(str(ROOT / "references.bib")).entries
    text = soup.get_text(" ")
    citations = soup.select("div.citation")
    assert len(citations) == len(entries)
    for entry in entries:
        locator = entry.fields_dict.get("doi") or entry.fields_dict.get("url")
        assert locator is not None, f"{entry.key} has neither DOI nor URL"
        assert locator.value in text, entry.key


def test_every_source_check_is_shown_beside_its_claim_and_in_the_audit(site):
    with (ROOT / "data" / "source_checks.csv").open(encoding="utf-8") as handle:
        checks = list(csv.DictReader(handle))
    audit = page(site, "chapters/evidence-audit")
    boxes = {}
    for chapter in CHAPTERS:
        for box in page(site, chapter.name.removesuffix(".md")).select(".reviewkit-source-check"):
            boxes[box["id"]] = (chapter.name, box.get_text(" "))
    for check in checks:
        anchor = f"source-check-{check['check_id'].lower()}"
        assert anchor in boxes, f"{check['check_id']} is not shown next to its claim"
        assert check["status"] in boxes[anchor][1] and check["primary_source_value"] in boxes[anchor][1]
        row = audit.find(id=f"{anchor}-row")
        assert row is not None and check["status"] in row.get_text()
        link = row.find("a")
        assert link["href"].endswith(f"#{anchor}") and boxes[anchor][0].removesuffix(".md").split("/")[-1] in link["href"]


def test_audit_status_counts_equal_the_csv(site):
    """Every glued count of the audit page equals a count of the CSV: the total, and one per status of the
    vocabulary (every status of which is counted)."""
    with (ROOT / "data" / "source_checks.csv").open(encoding="utf-8") as handle:
        found = [row["status"] for row in csv.DictReader(handle)]
    expected = {"checks_total": len(found)} | {count_name(status): found.count(status) for status in statuses.names()}
    chapter = next(c for c in CHAPTERS if c.name == "chapters/evidence-audit.md")
    shown = page(site, "chapters/evidence-audit").select("span.pasted-text")
    glued = {key: span.get_text() for (_, key), span in zip(chapter.glue_references(), shown)}
    assert set(expected) <= set(glued), "every status of the vocabulary is counted on the audit page"
    assert {key: int(glued[key]) for key in expected} == expected


def _commit_days(*files: str) -> set[str]:
    """The days (UTC) of the commits that touched any of ``files``, by author date (what the page shows)."""
    out = subprocess.run(["git", "log", "--format=%at", "--", *files], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.split()
    return {datetime.fromtimestamp(int(stamp), timezone.utc).strftime("%Y-%m-%d") for stamp in out}


def test_last_updated_comes_from_git(site):
    """A page's date is the day of the newest commit of its chapter or of what it shows: never older than the
    chapter and the data files it declares, and always the day of a commit to one of them or to other data,
    references or images the page shows (tests/sphinx/test_page_dates.py pins it down on commits of known dates)."""
    for chapter in CHAPTERS:
        docname = chapter.name.removesuffix(".md")
        footer = " ".join(page(site, docname).get_text(" ").split())
        shown = re.search(r"Last updated on (\d{4}-\d{2}-\d{2})", footer)
        assert shown, f"{docname} shows no date"
        assert shown.group(1) >= max(_commit_days(chapter.name, *chapter.data_files)), docname
        assert shown.group(1) in _commit_days(chapter.name, *chapter.data_files, "data", "references.bib",
                                               "surveillance", "assets"), docname


def test_pages_have_description_metadata(site):
    """Every page is described by its own words, under its own title (tests/sphinx/test_page_metadata.py: which words)."""
    for chapter in CHAPTERS:
        soup = page(site, chapter.name.removesuffix(".md"))
        description = soup.find("meta", attrs={"name": "description"})["content"]
        assert description and soup.find("meta", property="og:description")["content"] == description
        text = set(re.findall(r"\w+", soup.select_one("article").get_text(" ")))
        words = re.findall(r"\w+", description.removesuffix("..."))[:-1]  # the last word may be cut short
        assert words and set(words) <= text, chapter.name
        title = soup.find("meta", property="og:title")["content"]
        assert title and soup.title.get_text().startswith(title), chapter.name


def _plain_quotes(text: str) -> str:
    return text.translate(str.maketrans("“”‘’", "\"\"''"))


def _checks() -> list[dict]:
    with (ROOT / "data" / "source_checks.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_only_agreeing_checks_are_compact_and_every_check_carries_its_full_finding(site):
    shown = {}
    for chapter in CHAPTERS:
        for element in page(site, chapter.name.removesuffix(".md")).select(".reviewkit-source-check"):
            shown[element["id"]] = element
    for check in _checks():
        element = shown[f"source-check-{check['check_id'].lower()}"]
        text = _plain_quotes(" ".join(element.get_text(" ").split()))  # the site typesets quotes as “ ”
        for column in ("claim", "review_value", "primary_source_value"):
            assert " ".join(check[column].split()) in text, (check["check_id"], column)
        if statuses.is_compact(check["status"]):
            assert element.name == "details" and COMPACT_CLASS in element["class"]
            assert element.summary is not None and check["check_id"] in element.summary.get_text()
            assert not element.has_attr("open"), "a compact check starts closed"
        else:
            assert element.name == "div" and "admonition" in element["class"]
            assert COMPACT_CLASS not in element["class"] and element.find_parent("details") is None
            assert f"reviewkit-source-check-{statuses.presentation(check['status']).display}" in element["class"]


def test_tables_cite_with_formatted_links_to_existing_bibliography_anchors(site):
    keys = {entry.key for entry in bibtexparser.parse_file(str(ROOT / "references.bib")).entries}
    anchors = {tag["id"] for tag in page(site, "chapters/references").find_all(id=True)}
    links = 0
    for chapter in CHAPTERS:
        for figure in page(site, chapter.name.removesuffix(".md")).select("figure.reviewkit-table"):
            cells = {cell.get_text(strip=True) for cell in figure.select("td")}
            assert not cells & keys, f"{chapter.name} shows a raw BibTeX key"
            for link in figure.select(".reviewkit-cite a.internal"):  # (not a notice mark's link)
                links += 1
                target, _, anchor = link["href"].partition("#")
                assert target == "references.html" and anchor in anchors, link["href"]
                assert re.search(r", (\d{4}|n\.d\.)[a-z]?$", link.get_text(strip=True))
    assert links, "no table cites a reference"


def test_trial_tables_show_registry_status_and_notices_beside_the_study(site):
    """Every registry id in a trial table links to its record with what was last seen of it and where (the
    registry, or a copy, said so), or says it was not checked yet; an id matched from a registry record and
    never read in the paper says "matched, not confirmed"; and every published notice about a cited study
    shows on a page that lists the study."""
    with (ROOT / "data" / "clinical_studies.csv").open(encoding="utf-8") as handle:
        studies = list(csv.DictReader(handle))
    with (ROOT / "data" / "notices.csv").open(encoding="utf-8") as handle:
        notices = list(csv.DictReader(handle))
    pages = {path: page(site, f"chapters/{path.stem}") for path in (site / "chapters").glob("*.html")}
    for study in studies:
        for registry_id in filter(None, study["registry_ids"].split("; ")):
            links = [(name, a) for name, soup in pages.items()
                     for a in soup.select(f'a[href="https://clinicaltrials.gov/study/{registry_id}"]')]
            assert links, f"{registry_id} of {study['study_id']} is linked from no page"
            for _, link in links:
                status = link.find_next_sibling("span", class_="reviewkit-registry-status")
                assert status is not None and ("registry status as of" in status.get_text()
                                               or "not checked yet" in status.get_text()
                                               or ("read on" in status.get_text()
                                                   and "as of" not in status.get_text())), registry_id
                match = link.find_next_sibling("span", class_="reviewkit-registry-match")
                assert (match is not None and "matched, not confirmed" in match.get_text()) == (
                    study["registry_match"] == "matched"), registry_id
    for notice in notices:
        showing = [name for name, soup in pages.items()
                   if soup.select(f'aside.reviewkit-notice[data-notice-for="{notice["reference"]}"]')]
        assert showing, f"notice {notice['notice_id']} is shown on no page"
