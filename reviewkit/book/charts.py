"""Altair charts of the book: one theme, one offline renderer, and the chart factories chapters call.

Importing this module enables the ``reviewkit`` renderer. It emits no script and contacts no CDN: each
chart is a ``<div class="reviewkit-chart">`` holding its Vega-Lite spec as escaped JSON; the book's
Sphinx extension adds one local copy of Vega/Vega-Lite/Vega-Embed to pages that contain charts, and
``_static/reviewkit-charts.js`` draws them. A static SVG of each chart rides along in the output for
non-HTML builders and notebook viewers.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import vl_convert

from reviewkit.book import evidence
from reviewkit.book.chart_markup import CHART_CLASS, chart_html  # noqa: F401  (CHART_CLASS: the charts' markup)
from reviewkit.book.glue import format_value

RENDERER = "reviewkit"
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
STATIC_WIDTH = 640  # width of the static SVG when the chart itself fills its container


def static_svg(spec: dict) -> str:
    spec = dict(spec)
    if spec.get("width") == "container":
        spec["width"] = STATIC_WIDTH
    return vl_convert.vegalite_to_svg(spec)


def _render(spec: dict, **_metadata) -> dict:
    return {"text/html": chart_html(spec), "image/svg+xml": static_svg(spec)}


alt.renderers.register(RENDERER, _render)
alt.renderers.enable(RENDERER)


@alt.theme.register(RENDERER, enable=True)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "range": {"category": PALETTE},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "labelLimit": 220},
            "legend": {"labelFontSize": 12, "titleFontSize": 13, "orient": "bottom", "direction": "vertical"},
            "title": {"fontSize": 15, "anchor": "start"},
            "view": {"stroke": None},
        }
    }


def _base(frame: pd.DataFrame, description: str) -> alt.Chart:
    # width "container": the chart takes its column's width, so it fits a phone without overflowing.
    return alt.Chart(frame, description=description).properties(width="container")


# ---------------------------------------------------------------- the book's charts


PROVENANCE_LEGEND = {key: words["legend"] for key, words in evidence.PROVENANCE.items()}
SURVIVAL_OUTCOMES = {"median_os": "median overall survival", "median_survival": "median survival (overall not stated)"}


def median_survival_chart(studies: pd.DataFrame, results: pd.DataFrame) -> alt.Chart:
    """Median survival per study and population; marker area = the study's patients (hollow where not
    given); shape tells the review's figures from newer evidence."""
    frame = results[results["outcome"].isin(list(SURVIVAL_OUTCOMES))].merge(
        studies.drop(columns=["provenance", "added", "reference", "update_id", "note", "population"]),
        on="study_id", how="inner")
    frame = frame.assign(
        study=frame["indication"] + " (phase " + frame["phase"].fillna("not stated") + ")",
        patients=frame["n_patients"].astype("string").fillna("not reported"),
        describes=frame["population"].fillna("not stated"),
        measure=frame["outcome"].map(SURVIVAL_OUTCOMES),
        source=frame["provenance"].map(PROVENANCE_LEGEND),
        months=frame["value"],
    )[["study", "patients", "n_patients", "describes", "measure", "source", "months", "construct", "study_id"]]
    tooltip = [
        alt.Tooltip("study:N", title="Study"), alt.Tooltip("months:Q", title="Months"),
        alt.Tooltip("measure:N", title="Figure"), alt.Tooltip("describes:N", title="Describes"),
        alt.Tooltip("patients:N", title="Patients"), alt.Tooltip("construct:N", title="Armed with"),
        alt.Tooltip("source:N", title="Source"),
    ]
    base = _base(frame, "").encode(
        x=alt.X("months:Q", title="Median survival (months)", scale=alt.Scale(zero=True)),
        y=alt.Y("study:N", title=None, sort=alt.EncodingSortField("months", order="descending"),
                axis=alt.Axis(labelLimit=260)),
        color=alt.Color("describes:N", title="The figure describes"),
        shape=alt.Shape("source:N", title="Source", scale=alt.Scale(
            domain=list(PROVENANCE_LEGEND.values()), range=["circle", "diamond", "square", "triangle-up"])),
        tooltip=tooltip,
    )
    known = base.transform_filter("isValid(datum.n_patients)").mark_point(filled=True, opacity=0.85,
                                                                            stroke="#333").encode(
        size=alt.Size("n_patients:Q", title="Patients", scale=alt.Scale(range=[80, 700])))
    unknown = base.transform_filter("!isValid(datum.n_patients)").mark_point(size=120, filled=False, strokeWidth=2)
    described = ("Dot plot of the median survival figures reported for each clinical study (overall survival "
                 "unless the source does not say so); marker area shows the number of patients, hollow where none "
                 "is given; marker shape tells the review's figures from newer evidence. Several values describe a "
                 "subgroup, named in the colour legend.")
    return alt.layer(known, unknown, description=described).properties(width="container", height=alt.Step(36))


def preclinical_landscape_chart(studies: pd.DataFrame, targets: pd.DataFrame) -> alt.Chart:
    """Targets × tumour types of the preclinical studies (one square per study and target)."""
    frame = targets.merge(studies, on="study_id", how="left")
    return _base(frame, "Grid of the tumour antigens targeted by each preclinical study of BsAb-armed cells, "
                        "by tumour type; each square is one cited study, coloured by effector cell.").mark_square(
        size=260, opacity=0.85).encode(
        x=alt.X("target:N", title="Targeted antigen", axis=alt.Axis(labelAngle=-40)),
        y=alt.Y("tumour_type:N", title=None, axis=alt.Axis(labelLimit=200)),
        color=alt.Color("effector:N", title="Effector cells"),
        xOffset=alt.XOffset("reference:N"),
        tooltip=[alt.Tooltip("tumour_type:N", title="Tumour type"), alt.Tooltip("target:N", title="Target"),
                 alt.Tooltip("bispecifics:N", title="Bispecific(s)"), alt.Tooltip("model:N", title="Model"),
                 alt.Tooltip("reference:N", title="Reference")],
    ).properties(height=alt.Step(30))


# What a percentage is a share of, read from the outcome's description ("Share of patients with ...",
# "Share of the armed NK cells whose ..."): one source for the meaning of each outcome.
SHARE_OF = re.compile(r"^Share of (?:the )?(?P<base>.+?) (?:with|whose|alive|free)\b")
LOWER = "lower bound: the source gives more than (or at least) this"
UPPER = "upper bound: the source gives less than (or up to) this"
BOUNDS = {">": LOWER, "≥": LOWER, "at least": LOWER, "<": UPPER, "≤": UPPER, "up to": UPPER}
EXACT = "exact figure"


def share_of(description: str) -> str | None:
    """What a percentage outcome is a share of ("patients", "armed NK cells"), or None if its description
    does not say."""
    match = SHARE_OF.match(description or "")
    return match["base"] if match else None


def percent_outcomes_chart(results: pd.DataFrame, outcomes: pd.DataFrame, description: str) -> alt.Chart:
    """Horizontal bars of one study's percentage results, labelled by the outcome's title and population.

    Each bar keeps the relation the source states (a "> 90%" is a lower bound, drawn as such and labelled
    "> 90%"), and the axis says what the percentages are shares of: "of patients" when every bar is,
    otherwise each bar that is not names its own base."""
    from reviewkit.book.evidence import RELATION_WORDS

    outcome_rows = outcomes.set_index("outcome_id")
    rows = results[results["unit"] == "percent"]
    bases = [share_of(outcome_rows.loc[row.outcome, "description"]) for row in rows.itertuples()]
    all_patients = all(base == "patients" for base in bases)
    labels = [outcome_rows.loc[row.outcome, "title"] + (f", {row.population}" if pd.notna(row.population) else "")
              + (f" ({row.time_point})" if pd.notna(row.time_point) else "")
              + ("" if all_patients or base == "patients" else f" (% of {base or 'a base the source does not state'})")
              for row, base in zip(rows.itertuples(), bases)]
    frame = pd.DataFrame({
        "outcome": labels, "percent": rows["value"].astype(float).tolist(),
        "figure": [RELATION_WORDS.get(r, f"{r} ") + format_value(v) + "%" for r, v in zip(rows["relation"], rows["value"])],
        "figure_kind": [BOUNDS.get(relation, EXACT) for relation in rows["relation"]],
        "source": rows["provenance"].map(PROVENANCE_LEGEND).tolist()})
    kinds = [EXACT] + sorted(set(frame["figure_kind"]) - {EXACT})
    axis_title = "Percent of patients" if all_patients else "Percent (of patients unless the label names another base)"
    bars = _base(frame, description).mark_bar().encode(
        x=alt.X("percent:Q", title=axis_title, scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("outcome:N", title=None, sort=labels, axis=alt.Axis(labelLimit=320)),
        color=alt.Color("figure_kind:N", title="Figure", scale=alt.Scale(domain=kinds, range=PALETTE[:len(kinds)]),
                        legend=alt.Legend(labelLimit=360)),
        tooltip=[alt.Tooltip("outcome:N", title="Outcome"), alt.Tooltip("figure:N", title="As the source states it"),
                 alt.Tooltip("source:N", title="Source")],
    )
    text = bars.mark_text(align="left", dx=4).encode(text=alt.Text("figure:N"), color=alt.value("black"))
    return alt.layer(bars, text, description=description).properties(width="container", height=alt.Step(34))


def approvals_timeline_chart(products: pd.DataFrame) -> alt.Chart:
    """Approvals by month: regulator by shape; the review's approvals and the updates since by colour."""
    frame = products.copy()
    frame["month"] = frame["approval_month"] + "-01"
    frame["exact_date"] = frame["approval_date"].dt.strftime("%Y-%m-%d").astype("string").fillna("not given")
    frame["origin"] = frame["provenance"].map(PROVENANCE_LEGEND)
    frame["label"] = frame["product"] + " (" + frame["agency"] + ")"
    description = ("Timeline of regulatory approvals of engineered and adoptive cell products by month and regulator "
                   "(FDA, NMPA, Health Canada), with marker shape and colour telling the review's approvals from "
                   "updates and corrections added since.")
    return _base(frame, description).mark_point(size=180, filled=True, opacity=0.9).encode(
        x=alt.X("yearmonth(month):T", title="Month of approval", axis=alt.Axis(format="%Y", tickCount="year")),
        y=alt.Y("platform:N", title=None),
        color=alt.Color("origin:N", title="Source"),
        shape=alt.Shape("agency:N", title="Regulator"),
        tooltip=[alt.Tooltip("label:N", title="Product (regulator)"),
                 alt.Tooltip("generic_name:N", title="Generic name"),
                 alt.Tooltip("platform:N", title="Platform"), alt.Tooltip("indication:N", title="Indication"),
                 alt.Tooltip("exact_date:N", title="Approval date"), alt.Tooltip("origin:N", title="Source"),
                 alt.Tooltip("source_check:N", title="Source check")],
    ).properties(height=alt.Step(50))


def status_by_section_chart(checks: pd.DataFrame) -> alt.Chart:
    """Counts of source-check statuses per section of the review (stacked bars)."""
    from reviewkit.model import statuses

    order = list(statuses.names())
    frame = checks.groupby(["review_section", "status"], as_index=False).size().rename(columns={"size": "checks"})
    description = ("Stacked bar chart of the independent source checks per section of the review, "
                   f"split by status: {', '.join(status.lower() for status in order)}.")
    return _base(frame, description).mark_bar().encode(
        x=alt.X("checks:Q", title="Checks", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("review_section:N", title="Section of the review"),
        color=alt.Color("status:N", title="Status", scale=alt.Scale(domain=order, range=statuses.colours()),
                        sort=order),
        order=alt.Order("status_rank:Q"),
        tooltip=[alt.Tooltip("review_section:N", title="Section"), alt.Tooltip("status:N", title="Status"),
                 alt.Tooltip("checks:Q", title="Checks")],
    ).transform_calculate(status_rank=f"indexof({order!r}, datum.status)").properties(height=alt.Step(34))
