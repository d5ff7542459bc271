"""The PRISMA 2020 flow of records (updated-review form), counted from the screening log and the searches,
and drawn as an accessible SVG that stays readable on a 390 px phone."""

from __future__ import annotations

import html
import textwrap
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from reviewkit.screening import workflow as screening

DATABASES = {"pubmed": "PubMed", "europepmc": "Europe PMC", "ctgov": "ClinicalTrials.gov"}


@dataclass
class Flow:
    identified: dict[str, int]  # per database or register, before de-duplication
    removed: int  # duplicates and records the book already had
    other_methods: int  # records from the November 2026 sweep
    records: int  # records after de-duplication (the screening log)
    screened: int = 0  # decided on title and abstract
    excluded: dict[str, int] = field(default_factory=dict)  # on title and abstract, by reason label
    awaiting_screening: int = 0  # not yet decided on title and abstract (conflicts included)
    conflicts: int = 0  # of which the reviewers disagree, unresolved
    sought: int = 0  # reports sought for retrieval: included on title and abstract
    not_retrieved: int = 0
    assessed: int = 0  # reports assessed for eligibility (full text decided, except not retrieved)
    reports_excluded: dict[str, int] = field(default_factory=dict)  # on the full text, by reason label
    awaiting_full_text: int = 0
    included: int = 0
    linked: int = 0  # of the included, linked to an evidence row
    single_reviewer: int = 0  # records decided by one reviewer before two-reviewer screening


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: ("" if pd.isna(v) else str(v)) for k, v in row.items()} for row in frame.to_dict("records")]


def counts(log: pd.DataFrame, searches: pd.DataFrame, decisions: pd.DataFrame, reviewers: pd.DataFrame,
           reasons: pd.DataFrame) -> Flow:
    sources = log["sources"].fillna("").str.split("; ")
    from_databases = int(sources.map(lambda s: any(x in DATABASES for x in s)).sum())
    runs = searches[searches["source"].isin(list(DATABASES))]
    identified = {name: int(runs.loc[runs["source"] == key, "records_identified"].fillna(0).sum())
                  for key, name in DATABASES.items()}
    legacy = set(reviewers.loc[reviewers["kind"] == "single_legacy", "reviewer_id"])
    labels = dict(zip(reasons["reason"], reasons["label"]))
    found = screening.statuses(list(log["record_id"]), _records(decisions), legacy)
    flow = Flow(identified=identified, removed=max(0, sum(identified.values()) - from_databases),
                other_methods=int(sources.map(lambda s: "sweep" in s).sum()), records=len(log))
    linked = dict(zip(log["record_id"], log["evidence_id"].notna() if "evidence_id" in log else [False] * len(log)))
    excluded: Counter = Counter()
    reports: Counter = Counter()
    for record, status in found.items():
        first, second = status.stages["title_abstract"], status.stages["full_text"]
        if any(by in legacy for stage in status.stages.values() for by in stage.by):
            flow.single_reviewer += 1
        if not first.decided:
            flow.awaiting_screening += 1
            flow.conflicts += first.state == "conflict"
            continue
        flow.screened += 1
        if first.state == "exclude":
            excluded[labels.get(first.reason, first.reason or "no reason")] += 1
            continue
        flow.sought += 1
        if not second.decided:
            flow.awaiting_full_text += 1
            flow.conflicts += second.state == "conflict"
        elif second.state == "exclude" and second.reason == "not_retrieved":
            flow.not_retrieved += 1
        elif second.state == "exclude":
            flow.assessed += 1
            reports[labels.get(second.reason, second.reason or "no reason")] += 1
        else:
            flow.assessed += 1
            flow.included += 1
            flow.linked += bool(linked.get(record))
    flow.excluded, flow.reports_excluded = dict(sorted(excluded.items())), dict(sorted(reports.items()))
    return flow


def lines(flow: Flow) -> list[tuple[str, list[str]]]:
    """The diagram's boxes as (heading, lines): the text alternative and the SVG say the same."""
    return [
        ("Identified from databases and registers", [f"{name}: {n}" for name, n in flow.identified.items()]),
        ("Removed before screening", [f"Duplicates, or already in the book: {flow.removed}"]),
        ("Identified by other methods", [f"Evidence sweep, November 2026: {flow.other_methods} records kept "
                                         "(how many it looked at is not recorded)"]),
        ("Screened on title and abstract", [f"Records screened: {flow.screened}",
                                            f"Awaiting screening: {flow.awaiting_screening}"
                                            + (f" ({flow.conflicts} awaiting a resolution)" if flow.conflicts else "")]),
        ("Excluded on title and abstract", [f"Records excluded: {sum(flow.excluded.values())}"]
         + [f"{label}: {n}" for label, n in flow.excluded.items()]),
        ("Full text", [f"Reports sought for retrieval: {flow.sought}", f"Reports not retrieved: {flow.not_retrieved}",
                       f"Reports assessed for eligibility: {flow.assessed}",
                       f"Awaiting full-text assessment: {flow.awaiting_full_text}"]),
        ("Reports excluded", [f"Reports excluded: {sum(flow.reports_excluded.values())}"]
         + [f"{label}: {n}" for label, n in flow.reports_excluded.items()]),
        ("Included", [f"New records included: {flow.included}, of which {flow.linked} shown in the book's evidence "
                      "tables"] + ([f"Decided by one reviewer before two-reviewer screening: {flow.single_reviewer}"]
                                   if flow.single_reviewer else [])),
    ]


WIDTH, PAD, LINE, WRAP = 320, 10, 17, 37


def svg(flow: Flow, element_id: str = "prisma-flow") -> str:
    """A single column of boxes joined by arrows; the viewBox scales it to any width."""
    boxes, y = [], 8
    shapes: list[str] = []
    for index, (heading, body) in enumerate(lines(flow)):
        wrapped = [(True, t) for t in textwrap.wrap(heading, WRAP)] + [
            (False, t) for line in body for t in textwrap.wrap(line, WRAP)]
        height = PAD * 2 + LINE * len(wrapped)
        fill = "#e8f1fa" if heading in ("Included", "Screened on title and abstract") else "#ffffff"
        shapes.append(f'<rect x="10" y="{y}" width="{WIDTH - 20}" height="{height}" rx="6" fill="{fill}" '
                      'stroke="#1f3b57" stroke-width="1.5"/>')
        for number, (bold, text) in enumerate(wrapped):
            weight = ' font-weight="bold"' if bold else ""
            shapes.append(f'<text x="{PAD + 14}" y="{y + PAD + LINE * (number + 1) - 4}"{weight}>'
                          f"{html.escape(text)}</text>")
        boxes.append((y, height))
        y += height
        if index < len(lines(flow)) - 1:
            shapes.append(f'<line x1="{WIDTH // 2}" y1="{y}" x2="{WIDTH // 2}" y2="{y + 16}" stroke="#1f3b57" '
                          f'stroke-width="1.5" marker-end="url(#{element_id}-arrow)"/>')
            y += 22
    title = "PRISMA 2020 flow diagram of the living review's searches"
    description = " ".join(f"{heading}: {'; '.join(body)}." for heading, body in lines(flow))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{element_id}" class="reviewkit-prisma" role="img" '
        f'viewBox="0 0 {WIDTH} {y + 8}" width="100%" preserveAspectRatio="xMidYMin meet" '
        f'aria-labelledby="{element_id}-title {element_id}-desc" font-family="system-ui, sans-serif" '
        'font-size="13" fill="#111111">'
        f'<title id="{element_id}-title">{html.escape(title)}</title>'
        f'<desc id="{element_id}-desc">{html.escape(description)}</desc>'
        f'<defs><marker id="{element_id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#1f3b57"/></marker></defs>'
        + "".join(shapes) + "</svg>"
    )


def text_alternative(flow: Flow) -> str:
    items = "".join(f"<li><strong>{html.escape(heading)}</strong>: {html.escape('; '.join(body))}</li>"
                    for heading, body in lines(flow))
    return f"<ul>{items}</ul>"
