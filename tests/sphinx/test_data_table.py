"""The table directive and builder (reviewkit/sphinx/data_table.py), and the text of its tables in a translated
edition (reviewkit/sphinx/output_text.py)."""

from __future__ import annotations

from docutils import nodes

from reviewkit.book import tables
from reviewkit.sphinx import data_table, output_text
from render import render


def test_a_table_not_in_the_data_package_or_rows_that_do_not_match_fail_with_a_fix(tmp_path):
    row = tables.Row(["a"], anchor="row-a")
    unknown = tables.markup([row], table="no_such_table", caption="c", header=["h"])
    short = tables.markup([row, tables.Row(["b"])], table="glossary", caption="c", header=["h"]).replace(
        ':row-ids: "row-a -"', ':row-ids: "row-a"')
    _, warnings = render(unknown + "\n" + short, tmp_path)
    assert "'no_such_table' is not a table of data/datapackage.json. Fix:" in warnings
    assert ":row-ids: names 1 rows, the table has 2. Fix: one per row." in warnings


def test_the_builder_gives_rows_their_ids_and_classes_and_columns_their_classes():
    table = data_table.build(["A", "B"], [["1", nodes.paragraph("", "two")], ["3", "4"]], row_ids=["row-x", ""],
                             row_classes=[["provenance-update"], []], cell_classes={1: ["reviewkit-long"]})
    head, *rows = list(table.findall(nodes.row))
    assert rows[0]["ids"] == ["row-x"] and rows[1]["ids"] == [] and rows[0]["classes"] == ["provenance-update"]
    assert [entry["classes"] for entry in head.children] == [[], ["reviewkit-long"]]
    assert [entry.astext() for entry in rows[0].children] == ["1", "two"]


def _figure() -> nodes.Element:
    label = nodes.inline("", "added")
    cell = nodes.paragraph("", "", label, nodes.Text(" 2026-06-22; "), nodes.inline("", "Since the review"))
    table = data_table.build(["Evidence", "Indication"], [[cell, "gastric cancer"]])
    source = nodes.paragraph("", "", nodes.inline("", "Data:"))
    return data_table.figure(table, "Newer studies", source)


def test_a_translated_edition_translates_each_word_of_a_table_whole_and_never_a_text_with_a_number():
    figure = _figure()
    assert output_text.table_messages(figure) == ["Newer studies", "Evidence", "Indication", "added",
                                                  "Since the review", "gastric cancer", "Data:", "Newer studies"]
    words = {"added": "收入本书", "Newer studies": "较新研究", "Data:": "数据：", "gastric cancer": "胃癌"}
    output_text.translate_table(figure, lambda message: words.get(message, message))
    assert figure.next_node(data_table.table_caption).astext() == "较新研究"
    assert figure.next_node(data_table.table_region)["label"] == "较新研究"
    assert "收入本书 2026-06-22; Since the review" in figure.astext() and "胃癌" in figure.astext()
    assert "数据：" in figure.astext()


def test_table_text_is_left_to_the_toolkit_never_extracted_or_typeset_by_sphinx():
    figure = _figure()
    assert figure["support_smartquotes"] is False
    blocks = [node for node in figure.findall(nodes.TextElement) if not isinstance(node, nodes.Inline)]
    assert blocks and all(node["translatable"] is False for node in blocks)
    assert not any("translatable" in node for node in figure.findall(nodes.Inline))
