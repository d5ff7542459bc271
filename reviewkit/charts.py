"""Altair charts of the book: one theme, one offline renderer, and the chart factories chapters call.

Importing this module enables the ``reviewkit`` renderer. It emits no script and contacts no CDN: each
chart is a ``<div class="reviewkit-chart">`` holding its Vega-Lite spec as escaped JSON; the book's
Sphinx extension adds one local copy of Vega/Vega-Lite/Vega-Embed to pages that contain charts, and
``_static/reviewkit-charts.js`` draws them. A static SVG of each chart rides along in the output for
non-HTML builders and notebook viewers.
"""

from __future__ import annotations

import hashlib
import html
import json

import altair as alt
import pandas as pd
import vl_convert

RENDERER = "reviewkit"
CHART_CLASS = "reviewkit-chart"
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
STATIC_WIDTH = 640  # width of the static SVG when the chart itself fills its container


def json_for_html(value) -> str:
    """JSON that is safe inside an HTML element: no character can end the element or open a tag."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def static_svg(spec: dict) -> str:
    spec = dict(spec)
    if spec.get("width") == "container":
        spec["width"] = STATIC_WIDTH
    return vl_convert.vegalite_to_svg(spec)


def chart_html(spec: dict) -> str:
    description = spec.get("description")
    if not description:
        raise ValueError("every chart needs a text alternative: pass description='...' to the chart")
    payload = json_for_html(spec)
    chart_id = "chart-" + hashlib.sha256(payload.encode()).hexdigest()[:12]
    label = html.escape(description, quote=True)
    return (
        f'<div class="{CHART_CLASS}" id="{chart_id}" role="figure" aria-label="{label}">'
        f'<script type="application/json" class="reviewkit-chart-spec">{payload}</script>'
        f'<p class="reviewkit-chart-fallback">{label}</p>'
        "</div>"
    )


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


def dot_plot(frame: pd.DataFrame, *, x: str, y: str, description: str, x_title: str, y_title: str,
             tooltip: list, color: str | None = None, size: str | None = None, sort=None) -> alt.Chart:
    """Horizontal dot plot: one mark per row; the generic factory most evidence charts use."""
    encoding = {
        "x": alt.X(x, title=x_title, scale=alt.Scale(zero=True)),
        "y": alt.Y(y, title=y_title, sort=sort, axis=alt.Axis(labelLimit=200)),
        "tooltip": tooltip,
    }
    if color:
        encoding["color"] = alt.Color(color)
    if size:
        encoding["size"] = alt.Size(size, scale=alt.Scale(range=[60, 600]))
    return _base(frame, description).mark_circle(opacity=0.85, stroke="#333", strokeWidth=0.5).encode(**encoding)
