"""Cross-field consistency rules of the evidence tables, declared in one place.

Frictionless checks each cell against its column; the rules here check cells against each other (a range's
ends, a value inside its confidence interval, a subgroup inside its study, a date inside its month, the
provenance of a row) and across tables. Each rule names the columns it needs and applies to every table
that has them, so a new table with those columns is checked without code changes. Rules run only after
the package validates cell by cell (`make check` reports cell errors first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reviewkit.model import keys, paths, records, schema
from reviewkit.model.problems import Problem

Row = dict[str, str]


@dataclass(frozen=True)
class Rule:
    columns: tuple[str, ...]
    check: Callable[[Row], tuple[str, str, str] | None]  # -> (field, message, fix) or None


def _provenance_dated(row: Row):
    if row["provenance"] == "review" and row["added"]:
        return ("added", f"the review's own row has an added date ({row['added']})",
                "leave `added` empty for provenance review; it dates evidence the book adds after the review")
    if row["provenance"] != "review" and not row["added"]:
        return ("added", f"a {row['provenance']} row has no added date",
                "write the ISO date on which you add the row (YYYY-MM-DD) in `added`")
    return None


def _update_outside_review(row: Row):
    if row["provenance"] in ("update", "not_in_review") and row["review_section"]:
        return ("review_section", f"an {row['provenance']} row names review section {row['review_section']}",
                "leave review_section empty: an update is evidence the review does not contain "
                "(use provenance correction for a source that contradicts a statement of the review)")
    return None


def _sourced(row: Row):
    if row["provenance"] != "review" and not row["reference"] and not row.get("source_check"):
        return ("reference", f"a {row['provenance']} row names no source",
                "put the BibTeX key of its own source in `reference` (add the entry to references.bib)")
    return None


def _range_ordered(row: Row):
    low, high = records.number(row["value"]), records.number(row["value_max"])
    if low is not None and high is not None and low > high:
        return ("value_max", f"the range runs from {row['value']} down to {row['value_max']}",
                "value is the lower end and value_max the upper end of the range the source gives: swap them")
    return None


def _ci_ordered(row: Row):
    low, high = records.number(row["ci_low"]), records.number(row["ci_high"])
    if low is not None and high is not None and low > high:
        return ("ci_low", f"the 95% CI's low end {row['ci_low']} exceeds its high end {row['ci_high']}",
                "copy the interval from the source: ci_low is its lower limit, ci_high its upper limit")
    return None


def _value_in_ci(row: Row):
    value, low, high = records.number(row["value"]), records.number(row["ci_low"]), records.number(row["ci_high"])
    if value is None or row["relation"] != "=":
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        return ("value", f"the value {row['value']} lies outside its own 95% CI "
                         f"({row['ci_low'] or 'not reached'} to {row['ci_high'] or 'not reached'})",
                "check the value and the interval against the source; one of them was mistyped")
    return None


def _date_in_month(row: Row):
    if row["approval_date"] and row["approval_month"] and not row["approval_date"].startswith(row["approval_month"]):
        return ("approval_month", f"approval month {row['approval_month']} does not contain the approval date "
                                  f"{row['approval_date']}",
                "make approval_month the YYYY-MM of approval_date")
    return None


ROW_RULES = [
    Rule(("provenance", "added"), _provenance_dated),
    Rule(("provenance", "review_section"), _update_outside_review),
    Rule(("provenance", "reference"), _sourced),
    Rule(("value", "value_max"), _range_ordered),
    Rule(("ci_low", "ci_high"), _ci_ordered),
    Rule(("value", "relation", "ci_low", "ci_high"), _value_in_ci),
    Rule(("approval_date", "approval_month"), _date_in_month),
]

# Results: what identifies one figure (a second row with the same identity is a duplicate).
RESULT_IDENTITY = ("study_id", "outcome", "arm", "population", "time_point", "comparison")


def _file(name: str) -> str:
    return paths.relative(schema.resource_path(name))


def _result_problems() -> list[Problem]:
    names = {r["name"] for r in schema.resources()}
    if not {"clinical_results", "clinical_studies"} <= names:
        return []
    studies = records.rows_by_key("clinical_studies")
    problems, seen = [], {}
    file = _file("clinical_results")
    for line, row in records.rows("clinical_results"):
        identity = tuple(row.get(column, "") for column in RESULT_IDENTITY)
        if identity in seen:
            problems.append(Problem(file, line, "result_id",
                                    f"duplicates result {seen[identity][1]} (line {seen[identity][0]}): same study, "
                                    "outcome, arm, population, time point and comparison",
                                    "delete one of the two rows, or say in arm/population/time_point what differs"))
        else:
            seen[identity] = (line, row["result_id"])
        study = studies.get(keys.normalise(row["study_id"]))
        if study is None:
            continue  # the foreign key reports it
        # A count of patients within the population: reviewkit.checks.outcomes (the vocabulary's at_most).
        total, part = records.number(study["n_patients"]), records.number(row["population_n"])
        if part is not None and total is not None and part > total:
            problems.append(Problem(file, line, "population_n",
                                    f"population_n {row['population_n']} exceeds the {study['n_patients']} patients "
                                    f"of study {row['study_id']}",
                                    "a subgroup or arm cannot be larger than its study: check both numbers "
                                    "against the source"))
        if study["provenance"] != "review" and row["provenance"] == "review":
            problems.append(Problem(file, line, "provenance",
                                    f"a result marked review belongs to {study['provenance']} study {row['study_id']}",
                                    "results of newer evidence carry the study's provenance (update or correction)"))
    return problems


def check() -> list[Problem]:
    """Every cross-field problem in the data package."""
    problems: list[Problem] = []
    for resource in schema.resources():
        columns = {field["name"] for field in resource["schema"]["fields"]}
        rules = [rule for rule in ROW_RULES if set(rule.columns) <= columns]
        if not rules or not schema.resource_path(resource["name"]).is_file():
            continue
        file = _file(resource["name"])
        for line, row in records.rows(resource["name"]):
            for rule in rules:
                found = rule.check(row)
                if found:
                    problems.append(Problem(file, line, *found))
    from reviewkit.checks import dates, outcomes as outcome_rules, trials

    return problems + _result_problems() + outcome_rules.check() + dates.check() + trials.check()
