import json
import re

import altair as alt
import pytest

from reviewkit import charts, data

INJECTION = "</script><img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def built_charts():
    studies = data.load("clinical_studies")
    afm13 = data.row("clinical_studies", "afm13_nk_lymphoma_phase1")
    return {
        "median_os": charts.median_os_chart(studies[studies.effector == "T"]),
        "landscape": charts.preclinical_landscape_chart(data.load("preclinical_studies"), data.load("preclinical_targets")),
        "afm13": charts.percent_outcomes_chart(afm13, {"orr_percent": "ORR", "cr_percent": "CR"},
                                           "Bar chart of the AFM13-NK trial outcomes"),
        "approvals": charts.approvals_timeline_chart(data.load("approved_products")),
        "statuses": charts.status_by_section_chart(data.load("source_checks")),
    }


def test_every_chart_is_valid_vega_lite_with_a_text_alternative(built_charts):
    for name, chart in built_charts.items():
        spec = chart.to_dict()  # validates against the Vega-Lite schema
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6"), name
        assert len(spec.get("description", "")) > 20, name
        assert spec.get("width") == "container", f"{name} must fit a phone screen"


def test_median_os_chart_marks_every_trial_with_os(built_charts):
    studies = data.load("clinical_studies")
    expected = studies[(studies.effector == "T") & studies.median_os_months.notna()]
    values = built_charts["median_os"].to_dict()["datasets"]
    rows = next(iter(values.values()))
    assert sorted(r["median_os_months"] for r in rows) == sorted(expected.median_os_months.tolist())
    assert {r["reference"] for r in rows} == set(expected.reference)


def test_status_chart_counts_equal_the_csv(built_charts):
    checks = data.load("source_checks")
    rows = next(iter(built_charts["statuses"].to_dict()["datasets"].values()))
    assert sum(r["checks"] for r in rows) == len(checks)
    for status, count in checks.status.value_counts().items():
        assert sum(r["checks"] for r in rows if r["status"] == status) == count


def test_renderer_emits_inert_json_and_a_static_svg(built_charts):
    bundle = built_charts["afm13"]._repr_mimebundle_()
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
