"""Two-stage screening with two independent reviewers, as living systematic reviews run it.

Each record of the screening log is screened on title and abstract, then (if included there) on its full
text. At each stage two reviewers decide independently (data/screening_decisions.csv, one row per record,
stage and reviewer); when they disagree, a third reviewer's decision with role `resolution` settles it. A
reviewer of kind `single_legacy` (data/reviewers.csv: the November 2026 sweep, screened before this workflow)
decides alone. Exclusion reasons come from data/exclusion_reasons.csv, each valid at the stages it lists.

This module only computes where each record stands; reviewkit.screening.check turns every breach of the
workflow into a problem for `make check`, and reviewkit.screening.prisma counts the stages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STAGES = ("title_abstract", "full_text")
STAGE_WORDS = {"title_abstract": "title and abstract", "full_text": "full text"}
DEADLINE_DAYS = 28  # the Living mode page promises an update within four weeks of a trigger


@dataclass
class Outcome:
    """Where one record stands at one stage."""

    state: str  # not_started | awaiting_second | conflict | include | exclude
    reason: str = ""
    date: str = ""
    by: list[str] = field(default_factory=list)  # who decided it

    @property
    def decided(self) -> bool:
        return self.state in ("include", "exclude")


@dataclass
class Status:
    record_id: str
    stages: dict[str, Outcome]

    @property
    def final(self) -> str:
        """pending_title_abstract, conflict_title_abstract, excluded_title_abstract, pending_full_text,
        conflict_full_text, excluded_full_text or included."""
        first, second = self.stages["title_abstract"], self.stages["full_text"]
        if first.state == "exclude":
            return "excluded_title_abstract"
        if first.state != "include":
            return "conflict_title_abstract" if first.state == "conflict" else "pending_title_abstract"
        if second.state == "exclude":
            return "excluded_full_text"
        if second.state == "include":
            return "included"
        return "conflict_full_text" if second.state == "conflict" else "pending_full_text"


FINAL_WORDS = {
    "pending_title_abstract": "awaiting title/abstract screening",
    "conflict_title_abstract": "reviewers disagree on title/abstract: awaiting a resolution",
    "excluded_title_abstract": "excluded on title and abstract",
    "pending_full_text": "awaiting full-text screening",
    "conflict_full_text": "reviewers disagree on the full text: awaiting a resolution",
    "excluded_full_text": "excluded on the full text",
    "included": "included",
}


def outcome(rows: list[dict], legacy: set[str]) -> Outcome:
    """The outcome of one record's decisions at one stage (rows: its decision rows at that stage)."""
    if not rows:
        return Outcome("not_started")
    resolutions = [r for r in rows if r.get("role") == "resolution"]
    if resolutions:
        last = max(resolutions, key=lambda r: r.get("date", ""))
        return Outcome(last["decision"], last.get("reason", ""), last.get("date", ""), [last["reviewer"]])
    independent = [r for r in rows if r.get("role") == "independent"]
    alone = [r for r in independent if r.get("reviewer") in legacy]
    if alone:
        row = alone[0]
        return Outcome(row["decision"], row.get("reason", ""), row.get("date", ""), [row["reviewer"]])
    if len(independent) < 2:
        return Outcome("awaiting_second", by=[r["reviewer"] for r in independent])
    decisions = {r["decision"] for r in independent}
    if len(decisions) > 1:
        return Outcome("conflict", by=[r["reviewer"] for r in independent])
    # Two agreeing decisions: the stage was decided when the second was made.
    reasons = sorted({r.get("reason", "") for r in independent} - {""})
    return Outcome(independent[0]["decision"], reasons[0] if reasons else "",
                   max(r.get("date", "") for r in independent), [r["reviewer"] for r in independent])


def statuses(record_ids: list[str], decisions: list[dict], legacy: set[str]) -> dict[str, Status]:
    """Status of every record of the log, in the log's order."""
    by_record: dict[tuple[str, str], list[dict]] = {}
    for row in decisions:
        by_record.setdefault((row.get("record_id", ""), row.get("stage", "")), []).append(row)
    return {record: Status(record, {stage: outcome(by_record.get((record, stage), []), legacy) for stage in STAGES})
            for record in record_ids}
