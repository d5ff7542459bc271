"""Dates in the data are dates: parsed, not pattern-matched (2026-13-45 is no date), never after today where they
record something that happened (an approval, a publication, the day a row was added, a search), and a row shown
as newer than the review published after the review was received.

The review's own dates live here, once: other modules and rules read them from here.
"""

from __future__ import annotations

import calendar
import datetime
import re

from reviewkit.model import paths, records, schema
from reviewkit.model.problems import Problem

# Chen T, Liu B. Chin J Cancer Biother 2025;32(9):899-905: received and revised (the article's own dates).
REVIEW_RECEIVED = datetime.date(2025, 5, 10)
REVIEW_REVISED = datetime.date(2025, 7, 22)

# Provenances whose rows the book shows as evidence after the review ("Since the review", reviewkit.model.provenance
# PROVENANCE): such a row must be published after REVIEW_RECEIVED. Evidence that pre-dates the review and was not
# in it ("Not in the review") must be published before it. A date that spans the day (a month, a year) fits both.
AFTER_REVIEW = frozenset({"update"})
BEFORE_REVIEW = frozenset({"not_in_review"})
# table -> its column giving when the row's source was published.
PUBLISHED = {"updates": "date_published"}

# Columns typed as text that hold a date (YYYY-MM-DD or YYYY-MM; date_published may add a note after a space).
# Columns typed date or yearmonth in the schema are found there.
TEXT_DATES = {
    "updates": ("date_published",),
    "screening_log": ("date_found", "date_decided"),
    "searches": ("date", "window_start", "window_end"),
    "notices": ("published", "checked"),
    "registry_status": ("last_update_posted", "checked"),
}
# Every date column of the package records the past. A column that may hold a date still to come (a planned
# read-out) would be named here as (table, column).
FUTURE_ALLOWED: frozenset[tuple[str, str]] = frozenset()

DATE = re.compile(r"^(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2}))?)?(?: .*)?$")


def today() -> datetime.date:
    return datetime.date.today()


def span(text: str) -> tuple[datetime.date, datetime.date] | None:
    """(first, last) day a date written as YYYY-MM-DD, YYYY-MM or YYYY (a note may follow) can mean; None if it
    is not a real date."""
    match = DATE.match(text.strip())
    if not match:
        return None
    year = int(match["year"])
    try:
        if not match["month"]:  # a year alone, as some sources give it
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        month = int(match["month"])
        if match["day"]:
            day = datetime.date(year, month, int(match["day"]))
            return day, day
        return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        return None


def relative_to_review(text: str) -> str:
    """'after' the day the review was received, 'before' it (on the day itself counts as not after), or
    'unknown' where the date as written (a month, a year) spans that day, or is no date."""
    found = span(text)
    if found is None:
        return "unknown"
    if found[1] <= REVIEW_RECEIVED:
        return "before"
    return "after" if found[0] > REVIEW_RECEIVED else "unknown"


def date_columns(resource: dict) -> list[str]:
    typed = [f["name"] for f in resource["schema"]["fields"] if f.get("type") in ("date", "yearmonth")]
    return typed + [c for c in TEXT_DATES.get(resource["name"], ()) if c not in typed]


def _row_problems(file: str, table: str, line: int, row: dict, columns: list[str], now: datetime.date):
    for column in columns:
        text = row.get(column, "")
        if not text:
            continue
        found = span(text)
        if found is None:
            yield Problem(file, line, column, f"{column} '{text}' is not a date (no such month or day)",
                          "write a real date as YYYY-MM-DD (or YYYY-MM where the source gives only the month)")
            continue
        if found[0] > now and (table, column) not in FUTURE_ALLOWED:
            yield Problem(file, line, column, f"{column} {text} is after today ({now.isoformat()}), but it records "
                          "something that has already happened",
                          "write the date on which it happened, as the source gives it (check the year); "
                          "something still to come is not evidence yet")
    published = PUBLISHED.get(table)
    when = relative_to_review(row[published]) if published and row.get(published) else "unknown"
    if row.get("provenance") in AFTER_REVIEW and when == "before":
        yield Problem(file, line, published, f"a row of provenance {row['provenance']} is shown as evidence since the review, "
                      f"but its source was published {row[published]}, not after the review was received "
                      f"({REVIEW_RECEIVED.isoformat()})",
                      "check the date against the source; evidence that pre-dates the review is evidence the review "
                      "did not include: use provenance not_in_review")
    if row.get("provenance") in BEFORE_REVIEW and when == "after":
        yield Problem(file, line, published, f"a row of provenance {row['provenance']} is shown as evidence the review "
                      f"did not include, but its source was published {row[published]}, after the review was received "
                      f"({REVIEW_RECEIVED.isoformat()})",
                      "check the date against the source; evidence published since the review is provenance update")


def check() -> list[Problem]:
    """Every date of every table: real, not in the future where it records the past, after the review where the
    row says it came after it."""
    now, problems = today(), []
    for resource in schema.resources():
        columns = date_columns(resource)
        if not columns or not schema.resource_path(resource["name"]).is_file():
            continue
        file = paths.relative(schema.resource_path(resource["name"]))
        for line, row in records.rows(resource["name"]):
            problems += _row_problems(file, resource["name"], line, row, columns, now)
    return problems
