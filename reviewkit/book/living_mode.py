"""The living-mode page, built from the strategy file and the surveillance tables at build time."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML, Markdown

from reviewkit.book import data, runtime, tables
from reviewkit.screening import prisma, workflow as screening
from reviewkit.watch import strategy
from reviewkit.watch.http import NAMES

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


def _table(header: list[str], rows: list[list[str]], caption: str, table: str) -> Markdown:
    """A table of computed columns, as reviewkit.book.tables shows every table (escaped cells, the CSV linked)."""
    return Markdown(tables.markup([tables.Row([tables.escape(cell) for cell in row]) for row in rows], table=table,
                                  caption=caption, header=header))


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


def searches_table(searches: pd.DataFrame) -> Markdown:
    rows = [[r.search_id, SOURCE_NAMES.get(r.source, r.source), r.date,
             f"{r.window_start if pd.notna(r.window_start) else '?'} to {r.window_end if pd.notna(r.window_end) else '?'}",
             "not recorded" if pd.isna(r.records_identified) else str(r.records_identified)]
            for r in searches.sort_values("date", ascending=False).itertuples()]
    return _table(["Search", "Source", "Date", "Window", "Records identified"], rows, "Every search, newest first", "searches")


def flow_figure(tables: dict[str, pd.DataFrame]) -> HTML:
    flow = counts(tables)
    return HTML('<figure class="reviewkit-prisma-figure">' + prisma.svg(flow)
                + "<figcaption>PRISMA 2020 flow of records since the review, by screening stage, from the screening "
                  "log and its decisions (data/screening_log.csv, data/screening_decisions.csv) and the searches "
                  "(data/searches.csv).</figcaption>"
                + "<details><summary>The diagram as text</summary>" + prisma.text_alternative(flow)
                + "</details></figure>")


def counts(tables: dict[str, pd.DataFrame]) -> prisma.Flow:
    return prisma.counts(tables["screening_log"], tables["searches"], tables["screening_decisions"],
                         tables["reviewers"], tables["exclusion_reasons"])


def log_table(tables: dict[str, pd.DataFrame]) -> Markdown:
    log = tables["screening_log"]
    legacy = set(tables["reviewers"].loc[tables["reviewers"]["kind"] == "single_legacy", "reviewer_id"])
    labels = dict(zip(tables["exclusion_reasons"]["reason"], tables["exclusion_reasons"]["label"]))
    found = screening.statuses(list(log["record_id"]), prisma._records(tables["screening_decisions"]), legacy)

    def outcome(row) -> str:
        status = found[row.record_id]
        if status.final == "included":
            return f"{row.evidence_table} {row.evidence_id}" if pd.notna(row.evidence_id) else "evidence row not added yet"
        stage = status.stages["full_text" if status.final.endswith("full_text") else "title_abstract"]
        return labels.get(stage.reason, stage.reason) if stage.state == "exclude" else ""

    rows = [[r.record_id, r.title, r.sources, str(r.date_found), screening.FINAL_WORDS[found[r.record_id].final],
             outcome(r)] for r in log.itertuples()]
    return _table(["Record", "Title", "Found by", "Found", "Where it stands", "Evidence row or reason"], rows,
                  "The screening log", "screening_log")


def doubtful_searches(searches: pd.DataFrame) -> HTML:
    """Searches whose result may not be trusted, newest first ('' when none): shown on the page and left out of
    the retirement rule, so a broken query never reads as a quiet week."""
    doubtful = searches[searches["doubt"].notna()] if "doubt" in searches else searches.iloc[0:0]
    if doubtful.empty:
        return HTML("<p>No search so far has been marked doubtful.</p>")
    items = "".join(f"<li><strong>{html.escape(SOURCE_NAMES.get(r.source, r.source))}, {html.escape(str(r.date))}"
                    f"</strong>: {html.escape(str(r.doubt))}</li>"
                    for r in doubtful.sort_values("date", ascending=False).itertuples())
    return HTML('<aside class="admonition warning"><p class="admonition-title">Searches not to be trusted '
                f"as empty</p><ul>{items}</ul><p>These searches do not count towards the retirement rule.</p></aside>")


def waiting_table(tables: dict[str, pd.DataFrame]) -> HTML | Markdown:
    """Open update triggers: included records not yet in the evidence tables, and since when."""
    from reviewkit.screening.check import overdue

    runtime.record_read("data/screening_decisions.csv")
    waiting = overdue()
    if not waiting:
        return HTML("<p>No included record is waiting: every included record is in the evidence tables.</p>")
    # No "late" column: the page is built from the data, not on each day; `make check` warns when one is late.
    rows = [[w["record_id"], w["title"], w["since"]] for w in waiting]
    return _table(["Record", "Title", "Included on (the trigger opened)"], rows,
                  "Included records awaiting their evidence row", "screening_log")


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


TABLES = ("screening_log", "searches", "screening_decisions", "reviewers", "exclusion_reasons")


def load() -> dict[str, pd.DataFrame]:
    """The surveillance and screening tables by name (each recorded as an input of the chapter)."""
    return {name: data.load(name) for name in TABLES}
