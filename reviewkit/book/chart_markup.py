"""A chart as it sits in a page: ``<div class="reviewkit-chart">`` holding its Vega-Lite spec as a JSON data
block and a text alternative. Written by the charts' renderer in the kernels (reviewkit.book.charts), read back by
the build (reviewkit.sphinx.page_context); kept apart from the charts so the build reads pages without importing
altair."""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

from jinja2.utils import htmlsafe_json_dumps

CHART_CLASS = "reviewkit-chart"
SPEC_CLASS = "reviewkit-chart-spec"
# The markup chart_html writes, up to the end of the spec (group "spec" is the JSON, "label" the alternative).
CHART_PATTERN = re.compile(
    rf'(<div class="{CHART_CLASS}" id="(?P<id>chart-[0-9a-f]+)"[^>]*aria-label="(?P<label>[^"]*)">'
    rf'<script type="application/json" class="{SPEC_CLASS}">(?P<spec>.*?)</script>)', re.S)


def static_image(outdir: Path, chart_id: str) -> Path:
    """Where the site keeps the static SVG of chart ``chart_id`` (its id is a hash of its spec)."""
    return outdir / "_static" / "charts" / f"{chart_id}.svg"


def json_for_html(value) -> str:
    """JSON that is safe inside an HTML element (jinja2 escapes <, >, & and ' as \\u escapes)."""
    return str(htmlsafe_json_dumps(value, dumps=json.dumps, ensure_ascii=False, separators=(",", ":"),
                                   sort_keys=True))


def chart_html(spec: dict) -> str:
    description = spec.get("description")
    if not description:
        raise ValueError("every chart needs a text alternative: pass description='...' to the chart")
    payload = json_for_html(spec)
    chart_id = "chart-" + hashlib.sha256(payload.encode()).hexdigest()[:12]
    label = html.escape(description, quote=True)
    return (
        f'<div class="{CHART_CLASS}" id="{chart_id}" role="figure" aria-label="{label}">'
        f'<script type="application/json" class="{SPEC_CLASS}">{payload}</script>'
        f'<p class="reviewkit-chart-fallback">{label}</p>'
        "</div>"
    )
