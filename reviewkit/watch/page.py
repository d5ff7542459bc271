"""The living-mode page, built from the strategy file and the surveillance tables at build time."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from .. import data, runtime
from . import prisma, strategy
from ..tables import DATA_URL
from .http import NAMES

SOURCE_NAMES = {**NAMES, "sweep": "Evidence sweep (manual)"}


def plan() -> dict:
    """The search strategy, recorded as an input of the chapter that shows it."""
    runtime.record_read(strategy.STRATEGY_FILE)
    return strategy.load()


def last_search(searches: pd.DataFrame) -> str:
    """The date of the newest search (YYYY-MM-DD, or YYYY-MM for the sweep)."""
    return str(searches["date"].max())


def when(date: str) -> str:
    return f"in {date} (day not recorded)" if len(date) == 7 else f"on {date}"


def _table(header: list[str], rows: list[list[str]], caption: str, table: str, raw_columns: tuple[int, ...] = ()) -> HTML:
    """Like reviewkit.tables.show (escaped cells, the CSV and its schema linked), for computed columns."""
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell if i in raw_columns else html.escape(cell)}</td>"
                                    for i, cell in enumerate(row)) + "</tr>" for row in rows)
    return HTML(f'<figure class="reviewkit-table"><figcaption>{html.escape(caption)}</figcaption>'
                f'<div class="reviewkit-table-scroll" tabindex="0" role="region" aria-label="{html.escape(caption)}">'
                f'<table class="table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
                f'<p class="reviewkit-table-source">Data: <a href="{DATA_URL}{table}.csv" download>{table}.csv</a> '
                f'(<a href="{DATA_URL}datapackage.json">schema</a>, <a href="data.html#{table.replace("_", "-")}">'
                "column definitions</a>)</p></figure>")


def strategy_list(searches: pd.DataFrame) -> HTML:
    """Per source: what is searched, by which date, the exact query, and when it was last searched (a list,
    not a table, so a long query wraps on a phone)."""
    spec = plan()
    items = []
    for key in strategy.SEARCH_SOURCES:
        source = spec["sources"][key]
        done = searches[searches["source"] == key]["date"]
        items.append(
            f"<dt>{html.escape(source.get('name', SOURCE_NAMES[key]))}</dt><dd><p>Records by "
            f"{html.escape(source.get('dates', 'date'))}; last searched "
            f"{html.escape(str(done.max()) if len(done) else 'not yet (the first weekly run will search it)')}."
            f'</p><pre class="reviewkit-query">{html.escape(strategy.query(spec, key))}</pre></dd>')
    return HTML('<dl class="reviewkit-strategy">' + "".join(items) + "</dl>")


def searches_table(searches: pd.DataFrame) -> HTML:
    rows = [[r.search_id, SOURCE_NAMES.get(r.source, r.source), r.date,
             f"{r.window_start if pd.notna(r.window_start) else '?'} to {r.window_end if pd.notna(r.window_end) else '?'}",
             "not recorded" if pd.isna(r.records_identified) else str(r.records_identified)]
            for r in searches.sort_values("date", ascending=False).itertuples()]
    return _table(["Search", "Source", "Date", "Window", "Records identified"], rows, "Every search, newest first", "searches")


def flow_figure(log: pd.DataFrame, searches: pd.DataFrame) -> HTML:
    flow = prisma.counts(log, searches)
    return HTML('<figure class="reviewkit-prisma-figure">' + prisma.svg(flow)
                + "<figcaption>PRISMA 2020 flow of records since the review, from the screening log "
                  "(data/screening_log.csv) and the searches (data/searches.csv).</figcaption>"
                + "<details><summary>The diagram as text</summary>" + prisma.text_alternative(flow)
                + "</details></figure>")


def log_table(log: pd.DataFrame) -> HTML:
    def link(row) -> str:
        if row.decision == "included" and pd.notna(row.evidence_table):
            return f"{row.evidence_table} {row.evidence_id}"
        if row.decision == "excluded":
            return prisma.REASON_WORDS.get(row.exclusion_reason, str(row.exclusion_reason))
        return ""

    rows = [[r.record_id, r.title, r.sources, str(r.date_found), r.decision, link(r)] for r in log.itertuples()]
    return _table(["Record", "Title", "Found by", "Found", "Decision", "Evidence row or reason"], rows,
                  "The screening log", "screening_log")


def living_mode_list(key: str) -> HTML:
    """The update triggers (key='update_triggers') or the retirement criterion (key='retirement')."""
    value = plan()["living_mode"][key]
    items = value if isinstance(value, list) else [value]
    return HTML("<ul>" + "".join(f"<li>{html.escape(' '.join(str(i).split()))}</li>" for i in items) + "</ul>")


def schedule_html() -> HTML:
    schedule = plan()["schedule"]
    how = " ".join(str(schedule.get("how", "")).split())
    return HTML(f"<p><strong>Schedule:</strong> {html.escape(str(schedule.get('frequency', '')))}, "
                f"{html.escape(str(schedule.get('when', '')))}. {html.escape(how)}</p>")


def load() -> tuple[pd.DataFrame, pd.DataFrame]:
    return data.load("screening_log"), data.load("searches")
