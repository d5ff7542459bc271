"""Tables as readers see them (reviewkit/book/tables.py): escaped cells, formatted citations, wide tables."""

from __future__ import annotations

import pandas as pd
from bs4 import BeautifulSoup

from reviewkit.model import bibliography, schema
from reviewkit.book import citations, data, tables


def soup_of(frame, **kwargs) -> BeautifulSoup:
    return BeautifulSoup(tables.table_html(frame, **kwargs), "html.parser")


def test_citation_columns_come_from_the_schemas_foreign_keys():
    for resource in schema.resources():
        expected = {fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
                    for fk in resource["schema"].get("foreignKeys", [])
                    if fk["reference"]["resource"] == schema.REFERENCES_RESOURCE}
        assert tables.citation_columns(resource["name"]) == expected


def test_references_render_as_linked_author_year_citations_never_raw_keys():
    studies = data.load("preclinical_studies")
    soup = soup_of(studies, table="preclinical_studies", caption="c", columns=["tumour_type", "reference"])
    keys = set(bibliography.keys())
    links = soup.select("a.reviewkit-cite")
    assert len(links) == studies["reference"].notna().sum()
    for link, key in zip(links, studies["reference"].dropna()):
        assert link.get_text() == citations.citation(key).label
        assert link["href"] == f"references.html#{citations.citation(key).anchor}"
    assert not {cell.get_text() for cell in soup.select("td")} & keys


def test_a_missing_reference_is_a_dash():
    frame = data.load("bottlenecks").head(1).assign(reference=pd.NA)
    soup = soup_of(frame, table="bottlenecks", caption="c", columns=["summary", "reference"])
    assert soup.select("td")[-1].get_text() == tables.MISSING
    assert not soup.select("a.reviewkit-cite")


def test_every_cell_and_the_caption_are_escaped():
    frame = data.load("glossary").head(1).assign(expansion="<img src=x onerror=alert(1)>")
    soup = soup_of(frame, table="glossary", caption="<b>caption</b>", columns=["abbreviation", "expansion"])
    assert soup.find("img") is None and soup.find("b") is None
    assert "<img src=x onerror=alert(1)>" in soup.get_text()


def test_tables_with_many_columns_are_wide_unless_told_otherwise():
    frame = data.load("platforms")
    many = list(frame.columns)[:tables.WIDE_COLUMNS]
    few = many[:2]
    wide = "reviewkit-table-wide"
    assert wide in soup_of(frame, table="platforms", caption="c", columns=many).figure["class"]
    assert wide not in soup_of(frame, table="platforms", caption="c", columns=few).figure["class"]
    assert wide in soup_of(frame, table="platforms", caption="c", columns=few, wide=True).figure["class"]
    scroll = soup_of(frame, table="platforms", caption="c", columns=many).select_one(".reviewkit-table-scroll")
    assert scroll["tabindex"] == "0" and scroll["role"] == "region" and scroll["aria-label"] == "c"
