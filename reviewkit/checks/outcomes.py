"""What a figure of each outcome can be, enforced in this one place from the outcome vocabulary.

data/outcomes.csv says, for each kind of outcome, the units a figure may be given in, the range its numbers must
lie in and the figure of the same study, arm and population it cannot exceed, each with its reason (the schema
describes the columns). This module reads those rows and holds every row of clinical_results to them: a
response rate of 140 %, a hazard ratio of -0.37, a P value of 1.5, a median survival in weeks on a chart in
months, 9 complete responses among 7 patients or a complete response rate above the overall one are each one
problem naming the row, the column, the reason and the fix. It runs after the package validated cell by cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reviewkit.model import keys, paths, records, schema
from reviewkit.model.problems import Problem

VOCABULARY = "outcomes"
RESULTS = "clinical_results"
STUDIES = "clinical_studies"
# The keyword of outcomes.at_most for a count of patients: at most the patients it counts.
POPULATION = "population"
# Figures compared by at_most belong to the same study, arm, population and time point.
SAME_GROUP = ("study_id", "arm", "population", "time_point")
NUMBERS = ("value", "value_max", "ci_low", "ci_high")
# A stated value is a certain lower bound of the true figure with these relations, a certain upper bound with
# those (a value stated as '< 0.03' says nothing about how small the figure is).
LOWER_BOUND = {"=", ">", "≥", "at least"}
UPPER_BOUND = {"=", "<", "≤", "up to"}
INTERVAL = re.compile(r"^(?P<open>[\[(])(?P<low>-?[0-9]+(?:\.[0-9]+)?)?, (?P<high>-?[0-9]+(?:\.[0-9]+)?)?(?P<close>[\])])$")


@dataclass(frozen=True)
class Interval:
    text: str
    low: float | None
    high: float | None
    low_open: bool
    high_open: bool

    @classmethod
    def parse(cls, text: str) -> Interval | None:
        match = INTERVAL.match(text)
        if not match:
            return None
        low, high = match["low"], match["high"]
        return cls(text, float(low) if low else None, float(high) if high else None,
                   match["open"] == "(", match["close"] == ")")

    def contains(self, number: float) -> bool:
        if self.low is not None and (number < self.low or (self.low_open and number == self.low)):
            return False
        return not (self.high is not None and (number > self.high or (self.high_open and number == self.high)))


@dataclass(frozen=True)
class Outcome:
    outcome_id: str
    title: str
    line: int
    units: tuple[str, ...]
    range: Interval | None
    range_reason: str
    at_most: str
    at_most_reason: str


def _file(name: str) -> str:
    return paths.relative(schema.resource_path(name))


def vocabulary() -> dict[str, Outcome]:
    """outcome_id -> what a figure of that outcome can be."""
    return {row["outcome_id"]: Outcome(row["outcome_id"], row["title"], line,
                                       tuple(unit.strip() for unit in row.get("units", "").split(";") if unit.strip()),
                                       Interval.parse(row.get("range", "")), row.get("range_reason", ""),
                                       row.get("at_most", ""), row.get("at_most_reason", ""))
            for line, row in records.rows(VOCABULARY)}


def _known_units() -> set[str] | None:
    """The units clinical_results.unit allows (None: the schema leaves the column free)."""
    for field in schema.fields(RESULTS):
        if field["name"] == "unit":
            enum = (field.get("constraints") or {}).get("enum")
            return set(enum) if enum else None
    return None


def vocabulary_problems(outcomes: dict[str, Outcome]) -> list[Problem]:
    """Rows of the vocabulary that cannot be enforced as written."""
    file, problems = _file(VOCABULARY), []
    known = _known_units()
    for outcome in outcomes.values():
        for unit in outcome.units:
            if known is not None and unit not in known:
                problems.append(Problem(file, outcome.line, "units", f"'{unit}' is not a unit of "
                                        f"{RESULTS}.unit ({', '.join(sorted(known))})",
                                        "use one of those units, or add the new unit to the enum of "
                                        f"{RESULTS}.unit in data/datapackage.json first"))
        if outcome.range and None not in (outcome.range.low, outcome.range.high) and outcome.range.low > outcome.range.high:
            problems.append(Problem(file, outcome.line, "range", f"the range {outcome.range.text} runs downwards",
                                    "write the lower end first, e.g. [0, 100]"))
        if outcome.at_most and outcome.at_most != POPULATION and outcome.at_most not in outcomes:
            problems.append(Problem(file, outcome.line, "at_most", f"'{outcome.at_most}' is neither an outcome_id "
                                    f"of this table nor '{POPULATION}'",
                                    "name the outcome_id of the figure this one cannot exceed, or "
                                    f"'{POPULATION}' for a count of patients"))
        if outcome.at_most and not outcome.at_most_reason:
            problems.append(Problem(file, outcome.line, "at_most_reason", f"{outcome.outcome_id} is at most "
                                    f"{outcome.at_most} without a reason",
                                    "say in at_most_reason why the relation holds (make check shows it to whoever "
                                    "enters a figure that breaks it)"))
    return problems


def _lower(row: dict) -> float | None:
    return records.number(row["value"]) if row["relation"] in LOWER_BOUND else None


def _upper(row: dict) -> float | None:
    if row["relation"] not in UPPER_BOUND:
        return None
    high = records.number(row.get("value_max", ""))
    return high if high is not None else records.number(row["value"])


def result_problems(outcomes: dict[str, Outcome]) -> list[Problem]:
    """Every figure of clinical_results held to its outcome's units, range and relations."""
    file, problems = _file(RESULTS), []
    vocabulary_file = _file(VOCABULARY)
    studies = records.rows_by_key(STUDIES)
    results = records.rows(RESULTS)
    groups: dict[tuple, list[tuple[int, dict]]] = {}
    for line, row in results:
        groups.setdefault((row["outcome"], *(row.get(c, "") for c in SAME_GROUP)), []).append((line, row))
    for line, row in results:
        outcome = outcomes.get(row["outcome"])
        if outcome is None:
            continue  # the foreign key to the vocabulary reports it
        where = f"{vocabulary_file}:{outcome.line}"
        if outcome.units and row["unit"] not in outcome.units:
            problems.append(Problem(file, line, "unit", f"{outcome.title} is given in {row['unit']}, but the book "
                                    f"reads it in {' or '.join(outcome.units)} ({where}): a figure in another unit "
                                    "would be drawn and worded on the wrong scale",
                                    f"write the unit the source gives; if it is not {' or '.join(outcome.units)}, do "
                                    "not convert the number: ask for the unit to be added to the outcome's units "
                                    "together with charts and prose that show it"))
        for column in NUMBERS:
            number = records.number(row.get(column, ""))
            if number is not None and outcome.range and not outcome.range.contains(number):
                problems.append(Problem(file, line, column, f"{column} {row[column]} of {outcome.title} lies outside "
                                        f"{outcome.range.text}: {outcome.range_reason} ({where})",
                                        "check the figure against the source (a mistyped digit, sign or decimal "
                                        "point, or a figure entered under the wrong outcome)"))
        low = _lower(row)
        if low is None or not outcome.at_most:
            continue
        if outcome.at_most == POPULATION:
            study = studies.get(keys.normalise(row["study_id"]), {})
            total, counted = ((row["population_n"], "patients in the row's population (population_n)")
                              if records.number(row.get("population_n", "")) is not None
                              else (study.get("n_patients", ""), f"patients of study {row['study_id']}"))
            if records.number(total) is not None and low > records.number(total):
                problems.append(Problem(file, line, "value", f"{row['value']} {outcome.title.lower()} exceed the "
                                        f"{total} {counted}: {outcome.at_most_reason} ({where})",
                                        "check both numbers against the source; a subgroup's count belongs with "
                                        "the subgroup's size in population_n"))
            continue
        limit_outcome = outcomes.get(outcome.at_most)
        for other_line, other in groups.get((outcome.at_most, *(row.get(c, "") for c in SAME_GROUP)), []):
            high = _upper(other)
            if high is not None and low > high:
                title = limit_outcome.title if limit_outcome else outcome.at_most
                problems.append(Problem(file, line, "value", f"{outcome.title} {row['value']} exceeds the "
                                        f"{title.lower()} {other['value']} of the same study, arm and population "
                                        f"(line {other_line}): {outcome.at_most_reason} ({where})",
                                        "check both figures against the source; if they describe different arms, "
                                        "populations or time points, say so in those columns"))
    return problems


def check() -> list[Problem]:
    names = {resource["name"] for resource in schema.resources()}
    if not {VOCABULARY, RESULTS, STUDIES} <= names:
        return []
    outcomes = vocabulary()
    return vocabulary_problems(outcomes) + result_problems(outcomes)
