import json
import re

import altair as alt
import pytest

from reviewkit.book import charts, data

INJECTION = "</script><img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def built_charts():
    studies, results = data.load("clinical_studies"), data.load("clinical_results")
    return {
        "median_survival": charts.median_survival_chart(studies, results),
        "landscape": charts.preclinical_landscape_chart(data.load("preclinical_studies"), data.load("preclinical_targets")),
        "percent": charts.percent_outcomes_chart(results[results.unit == "percent"], data.load("outcomes"),
                                                 "Bar chart of percentage outcomes of the clinical studies"),
        "approvals": charts.approvals_timeline_chart(data.load("approved_products")),
        "statuses": charts.status_by_section_chart(data.load("source_checks")),
    }


def test_every_chart_is_valid_vega_lite_with_a_text_alternative(built_charts):
    for name, chart in built_charts.items():
        spec = chart.to_dict()  # validates against the Vega-Lite schema
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6"), name
        assert len(spec.get("description", "")) > 20, name
        assert spec.get("width") == "container", f"{name} must fit a phone screen"


def test_median_survival_chart_marks_every_survival_figure_with_its_source(built_charts):
    results = data.load("clinical_results")
    expected = results[results.outcome.isin(list(charts.SURVIVAL_OUTCOMES))]
    rows = next(iter(built_charts["median_survival"].to_dict()["datasets"].values()))
    assert sorted(r["months"] for r in rows) == sorted(expected.value.tolist())
    assert {r["study_id"] for r in rows} == set(expected.study_id)
    expected_sources = {charts.PROVENANCE_LEGEND[p] for p in expected.provenance}
    assert {r["source"] for r in rows} == expected_sources


def test_status_chart_counts_equal_the_csv(built_charts):
    checks = data.load("source_checks")
    rows = next(iter(built_charts["statuses"].to_dict()["datasets"].values()))
    assert sum(r["checks"] for r in rows) == len(checks)
    for status, count in checks.status.value_counts().items():
        assert sum(r["checks"] for r in rows if r["status"] == status) == count


def test_renderer_emits_inert_json_and_a_static_svg(built_charts):
    bundle = built_charts["percent"]._repr_mimebundle_()
    html = bundle["text/html"]
    assert html.count("<script") == 1 and '<script type="application/json"' in html
    assert "cdn" not in html.lower() and "http" not in html.split("application/json")[0]
    assert bundle["image/svg+xml"].lstrip().startswith("<svg")


def test_renderer_escapes_markup_inside_the_spec():
    chart = alt.Chart(alt.Data(values=[{"label": INJECTION, "value": 1}]), description="Injection test chart")
    html = chart.mark_bar().encode(x="value:Q", y="label:N").properties(width="container")._repr_mimebundle_()["text/html"]
    payload = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S).group(1)
    assert "<" not in payload and ">" not in payload
    assert INJECTION in json.dumps(json.loads(payload), ensure_ascii=False)


def test_a_chart_without_description_is_refused():
    chart = alt.Chart(alt.Data(values=[{"x": 1}])).mark_point().encode(x="x:Q")
    with pytest.raises(ValueError, match="text alternative"):
        charts.chart_html(chart.to_dict())


def _percent_rows(*rows):
    import pandas as pd
    columns = ["study_id", "provenance", "outcome", "population", "time_point", "relation", "value", "unit"]
    return pd.DataFrame([dict(zip(columns, ("s", "review", *row, "percent"))) for row in rows])


OUTCOMES = [("response_rate", "Overall response rate", "Share of patients with a complete or partial response."),
            ("neutropenia_rate", "Neutropenia", "Share of patients with neutropenia."),
            ("cd16_binding", "CD16 binding efficiency", "Share of the armed NK cells whose CD16 binds the antibody.")]


def _percent_chart_data(results):
    import pandas as pd
    outcomes = pd.DataFrame(OUTCOMES, columns=["outcome_id", "title", "description"])
    spec = charts.percent_outcomes_chart(results, outcomes, "Bar chart of percentages, test").to_dict()
    return next(iter(spec["datasets"].values())), spec["layer"][0]["encoding"]["x"]["title"]


def test_percent_chart_keeps_a_bound_and_names_what_a_percentage_is_of():
    rows, axis = _percent_chart_data(_percent_rows(("response_rate", None, None, "=", 50.0),
                                                   ("cd16_binding", None, None, ">", 90.0)))
    binding = next(row for row in rows if row["outcome"].startswith("CD16"))
    assert binding["figure"] == "> 90%" and binding["figure_kind"].startswith("lower bound")
    assert "% of armed NK cells" in binding["outcome"]
    assert axis != "Percent of patients" and "patients" in axis
    response = next(row for row in rows if row["outcome"].startswith("Overall"))
    assert response["figure"] == "50%" and response["figure_kind"] == charts.EXACT


def test_percent_chart_of_patients_only_says_so_on_its_axis():
    rows, axis = _percent_chart_data(_percent_rows(("response_rate", None, None, "=", 50.0),
                                                   ("neutropenia_rate", None, None, "up to", 20.0)))
    assert axis == "Percent of patients"
    assert {row["figure"] for row in rows} == {"50%", "up to 20%"}
    assert all("% of" not in row["outcome"] for row in rows)


def test_share_of_reads_the_base_from_an_outcome_description():
    assert charts.share_of("Share of patients with a complete response.") == "patients"
    assert charts.share_of("Share of the armed NK cells whose CD16 receptor binds the bispecific.") == "armed NK cells"
    assert charts.share_of("Median overall survival.") is None
