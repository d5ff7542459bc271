"""The PRISMA 2020 flow of records (updated-review form), counted from the screening log and the searches,
and drawn as an accessible SVG that stays readable on a 390 px phone."""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass, field

import pandas as pd

DATABASES = {"pubmed": "PubMed", "europepmc": "Europe PMC", "ctgov": "ClinicalTrials.gov"}
REASON_WORDS = {
    "off_topic": "off topic", "wrong_intervention": "not a cell therapy the book covers",
    "wrong_population": "wrong population", "not_primary_evidence": "review or comment, no new data",
    "duplicate_publication": "duplicate publication", "no_results_yet": "no results yet",
    "retracted": "retracted", "other": "other reason (see note)",
}


@dataclass
class Flow:
    identified: dict[str, int]  # per database or register, before de-duplication
    removed: int  # duplicates and records the book already had
    other_methods: int  # records from the November 2026 sweep
    screened: int
    excluded: dict[str, int] = field(default_factory=dict)
    pending: int = 0
    included: int = 0


def counts(log: pd.DataFrame, searches: pd.DataFrame) -> Flow:
    sources = log["sources"].fillna("").str.split("; ")
    from_databases = int(sources.map(lambda s: any(x in DATABASES for x in s)).sum())
    runs = searches[searches["source"].isin(list(DATABASES))]
    identified = {name: int(runs.loc[runs["source"] == key, "records_identified"].fillna(0).sum())
                  for key, name in DATABASES.items()}
    excluded = log[log["decision"] == "excluded"]["exclusion_reason"].fillna("other").value_counts()
    return Flow(identified=identified, removed=max(0, sum(identified.values()) - from_databases),
                other_methods=int(sources.map(lambda s: "sweep" in s).sum()), screened=len(log),
                excluded={str(k): int(v) for k, v in sorted(excluded.items())},
                pending=int((log["decision"] == "pending").sum()), included=int((log["decision"] == "included").sum()))


def lines(flow: Flow) -> list[tuple[str, list[str]]]:
    """The diagram's boxes as (heading, lines): the text alternative and the SVG say the same."""
    excluded = sum(flow.excluded.values())
    return [
        ("Identified from databases and registers", [f"{name}: {n}" for name, n in flow.identified.items()]),
        ("Removed before screening", [f"Duplicates, or already in the book: {flow.removed}"]),
        ("Identified by other methods", [f"Evidence sweep, November 2026: {flow.other_methods} records kept "
                                         "(how many it looked at is not recorded)"]),
        ("Screened", [f"Records screened: {flow.screened}"]),
        ("Excluded", [f"Records excluded: {excluded}"]
         + [f"{REASON_WORDS.get(reason, reason)}: {n}" for reason, n in flow.excluded.items()]),
        ("Awaiting a decision", [f"Pending records: {flow.pending}"]),
        ("Included", [f"New records included: {flow.included}, each linked to its evidence row"]),
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
        fill = "#e8f1fa" if heading in ("Included", "Screened") else "#ffffff"
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
