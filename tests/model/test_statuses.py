"""The source audit's status vocabulary in one place (reviewkit/model/statuses.py) and what is derived from it."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from docutils import nodes

from reviewkit.book import audit, charts
from reviewkit.model import paths, statuses
from reviewkit.sphinx.evidence import source_checks


def schema_enum() -> list[str]:
    package = json.loads(paths.datapackage_path().read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "source_checks")
    return next(f for f in resource["schema"]["fields"] if f["name"] == "status")["constraints"]["enum"]


def test_statuses_are_the_schemas_enum_and_each_has_a_presentation():
    assert list(statuses.names()) == schema_enum()
    assert statuses.problems() == []
    for status in statuses.names():
        shown = statuses.presentation(status)
        assert shown.meaning and shown.display in statuses.DISPLAYS and shown.colour.startswith("#")


def test_agreement_is_compact_and_disagreement_is_the_most_prominent():
    assert statuses.is_compact("MATCH")
    assert statuses.presentation("MISMATCH").display == "prominent"
    assert not any(statuses.is_compact(s) for s in statuses.names() if s != "MATCH")


def test_a_status_without_presentation_is_a_clear_problem(monkeypatch):
    monkeypatch.setattr(statuses, "names", lambda: (*schema_enum(), "RETRACTED"))
    (problem,) = statuses.problems()
    assert problem.field == "RETRACTED" and "statuses.py" in problem.fix
    with pytest.raises(KeyError, match="add it to PRESENTATION"):
        statuses.presentation("RETRACTED")


def test_a_presentation_the_schema_does_not_allow_is_a_problem(monkeypatch):
    monkeypatch.setattr(statuses, "names", lambda: tuple(schema_enum()[:-1]))
    (problem,) = statuses.problems()
    assert problem.field == schema_enum()[-1] and "constraints.enum" in problem.fix


def test_counts_and_chart_follow_the_schemas_order():
    checks = pd.DataFrame({"status": ["MISMATCH", "MATCH", "MISMATCH"], "review_section": ["1.1", "1.1", "3.2"]})
    counts = audit.status_counts(checks)
    assert list(counts) == list(statuses.names())
    assert counts["MISMATCH"] == 2 and counts["MATCH"] == 1 and sum(counts.values()) == 3
    scale = charts.status_by_section_chart(checks).to_dict()["encoding"]["color"]["scale"]
    assert scale["domain"] == list(statuses.names()) and scale["range"] == statuses.colours()


ROW = {"claim": "A claim <b>", "review_value": "6", "primary_source_value": "7 & more", "what_was_read": "abstract",
       "note": "A note."}


@pytest.mark.parametrize("status", schema_enum())
def test_each_check_renders_as_its_status_asks_with_the_full_finding(status):
    node = source_checks.render("SC99", {**ROW, "status": status})
    assert node["ids"] == ["source-check-sc99"]
    assert "reviewkit-source-check" in node["classes"]
    assert set(statuses.css_classes(status)) <= set(node["classes"])
    text = node.astext()
    assert "7 & more" in text and "A claim <b>" in text and status in text
    if statuses.is_compact(status):
        assert isinstance(node, source_checks.source_check_mark)
        assert source_checks.COMPACT_CLASS in node["classes"]
        assert isinstance(node[0], source_checks.source_check_summary) and "SC99" in node[0].astext()
    else:
        assert isinstance(node, nodes.admonition)
        assert source_checks.COMPACT_CLASS not in node["classes"]
