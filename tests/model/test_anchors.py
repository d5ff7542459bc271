"""Row anchors: the ids that let "What changed" link to the place a row is shown."""

import pandas as pd

from reviewkit.model import anchors


def test_a_row_anchor_is_a_safe_id_from_table_and_key():
    assert anchors.row_anchor("clinical_studies", ("AFM13 NK/lymphoma",)) == "row-clinical-studies-afm13-nk-lymphoma"


def test_each_anchor_is_written_once_per_page_and_never_for_a_row_without_key():
    anchors._written.clear()
    row = pd.Series({"study_id": "s1", "value": 3})
    first = anchors.row_anchor_once("results", ["study_id"], row)
    assert first == "row-results-s1"
    assert anchors.row_anchor_once("results", ["study_id"], row) == "", "a second table on the page: no duplicate id"
    assert anchors.row_anchor_once("results", ["missing"], row) == ""
    assert anchors.row_anchor_once("results", ["value"], pd.Series({"value": pd.NA})) == ""
    assert anchors.row_anchor_once("results", [], row) == ""
    anchors._written.clear()
