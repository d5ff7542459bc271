"""Tables as readers see them (reviewkit/book/tables.py writes them, reviewkit/sphinx/data_table.py builds them):
escaped cells, real citations, each row's anchor and provenance, wide tables, the CSV and its definitions linked.
Rendered as the pages render them (tests/render.py: Sphinx with myst-parser and sphinxcontrib-bibtex)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from reviewkit.model import bibliography, schema
from reviewkit.book import data, evidence, tables
from reviewkit.sphinx import citations
from render import render

HOSTILE = ["<img src=x onerror=alert(1)>", "{raw}`html <b>b</b>`", "$x^2$", "**bold** _it_ `code`",
           "[link](javascript:alert(1))", "1. not a list", "# not a heading", "{{ substitution }}", "a | b", "\\*",
           "```{raw} html", "<!-- comment -->"]


def test_citation_columns_come_from_the_schemas_foreign_keys():
    for resource in schema.resources():
        expected = {fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
                    for fk in resource["schema"].get("foreignKeys", [])
                    if fk["reference"]["resource"] == schema.REFERENCES_RESOURCE}
        assert tables.citation_columns(resource["name"]) == expected


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """One page with the tables these tests read, each told apart by its caption."""
    studies = data.load("preclinical_studies")
    newer = data.load("clinical_studies")
    newer = newer[newer["provenance"] != evidence.REVIEW].head(2)
    glossary = data.load("glossary").head(len(HOSTILE)).assign(expansion=HOSTILE)
    platforms = data.load("platforms")
    many = list(platforms.columns)[:tables.WIDE_COLUMNS]
    markup = "\n".join([
        tables.table_markdown(studies, table="preclinical_studies", caption="cited", columns=["tumour_type", "reference"]),
        tables.table_markdown(data.load("bottlenecks").head(1).assign(reference=pd.NA), table="bottlenecks",
                              caption="missing", columns=["summary", "reference"]),
        tables.table_markdown(glossary, table="glossary", caption="<b>hostile</b> $x$",
                              columns=["abbreviation", "expansion"]),
        tables.table_markdown(platforms, table="platforms", caption="many", columns=many),
        tables.table_markdown(platforms, table="platforms", caption="few", columns=many[:2]),
        tables.table_markdown(platforms, table="platforms", caption="few but wide", columns=many[:2], wide=True),
        tables.table_markdown(newer, table="clinical_studies", caption="newer",
                              columns=["indication", "registry_ids", "reference"]),
    ])
    soup, warnings = render(markup, tmp_path_factory.mktemp("tables"))
    return {figure.figcaption.get_text(): figure for figure in soup.select("figure.reviewkit-table")}, warnings, studies, newer


def test_the_tables_build_without_a_warning(page):
    assert page[1] == ""


def test_references_render_as_linked_author_year_citations_never_raw_keys(page):
    figures, _, studies, _ = page
    figure = figures["cited"]
    links = figure.select(".reviewkit-cite a.internal")
    anchors = citations.anchors()
    assert len(links) == studies["reference"].notna().sum()
    for link, key in zip(links, studies["reference"].dropna()):
        assert link["href"] == f"references.html#{anchors[key]}"
        assert re.search(r", (\d{4}|n\.d\.)[a-z]?$", link.get_text()), link.get_text()
    assert not {cell.get_text(strip=True) for cell in figure.select("td")} & set(bibliography.keys())


def test_a_missing_reference_is_a_dash(page):
    figure = page[0]["missing"]
    assert figure.select("td")[-1].get_text(strip=True) == tables.MISSING
    assert not figure.select(".reviewkit-cite")


def test_every_cell_and_the_caption_are_escaped_and_read_as_themselves(page):
    figure = page[0]["<b>hostile</b> $x$"]
    assert figure.find("img") is None and figure.find("b") is None and figure.find("strong") is None
    assert not figure.select("code, em, .math, ol, h1, h2") and figure.select_one("a[href^=javascript]") is None
    shown = [row.select("td")[-1].get_text(strip=True) for row in figure.select("tbody tr")]
    assert shown == HOSTILE


def test_tables_with_many_columns_are_wide_unless_told_otherwise(page):
    figures = page[0]
    wide = "reviewkit-table-wide"
    assert wide in figures["many"]["class"] and "full-width" in figures["many"]["class"]
    assert wide not in figures["few"]["class"]
    assert wide in figures["few but wide"]["class"]
    scroll = figures["many"].select_one(".reviewkit-table-scroll")
    assert scroll["tabindex"] == "0" and scroll["role"] == "region" and scroll["aria-label"] == "many"


def test_each_header_cell_heads_its_column_for_a_screen_reader(page):
    for caption, figure in page[0].items():
        headers = figure.select("thead th")
        assert headers and all(th.get("scope") == "col" for th in headers), caption
        assert not figure.select("tbody th"), caption


def test_each_table_links_its_csv_its_schema_and_its_column_definitions(page):
    figure = page[0]["cited"]
    source = figure.select_one("p.reviewkit-table-source")
    assert source.select_one("a[download]")["href"] == "../data/" + schema.resource("preclinical_studies")["path"]
    assert source.select_one("a[href$='datapackage.json']")
    assert source.select_one("a[href='data.html#preclinical-studies']").get_text() == "column definitions"


def test_each_row_carries_its_anchor_and_newer_rows_their_provenance(page):
    figures, _, studies, newer = page
    rows = figures["cited"].select("tbody tr")
    assert [row["id"] for row in rows] == [f"row-preclinical-studies-{s.replace('_', '-')}" for s in studies["study_id"]]
    assert not any(c.startswith("provenance-") for row in rows for c in row.get("class", []))
    for row, (_, study) in zip(figures["newer"].select("tbody tr"), newer.iterrows()):
        assert f"provenance-{study['provenance']}" in row["class"]
        badge = row.select_one("span.reviewkit-badge")
        assert f"reviewkit-badge-{study['provenance']}" in badge["class"]
        assert badge.get_text() == evidence.provenance_word(study["provenance"])
        assert tables.format_value(study["added"]) in row.select("td")[0].get_text() and row.select_one("td .reviewkit-cite a")
        # A registry id links to its record and says what was seen of it, in elements of their own.
        assert row.select("td")[2].select(".reviewkit-registry-status, .reviewkit-registry-none")
