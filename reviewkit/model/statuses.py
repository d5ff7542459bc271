"""The source audit's statuses, in one place: what each means to a reader and how the book shows it.

The statuses themselves are the allowed values (`enum`) of source_checks.status in data/datapackage.json,
where a column's allowed values live. This module adds, per status, its meaning, how a check with that
status is shown beside its claim, and its chart colour. Boxes, marks, the audit table, the legend and the
chart all ask here; `make check` fails when the schema and this table disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewkit.model import schema
from reviewkit.model.messages import N_
from reviewkit.model.problems import Problem

RESOURCE, FIELD = "source_checks", "status"
HOME = "reviewkit/model/statuses.py"

# How a check is shown beside its claim:
#   compact   a small mark that opens (native <details>) to the full finding: the source agrees
#   box       a visible box
#   prominent a visible, highlighted box: the source disagrees
DISPLAYS = ("compact", "box", "prominent")


# The status words as readers see them (the codes stay as they are in data/source_checks.csv).
LABELS = {"MATCH": N_("Match"), "PARTIAL": N_("Partial"), "MISMATCH": N_("Mismatch"), "NOT FOUND": N_("Not found")}
# The status codes as a box's title shows them ("Source check SC01: MISMATCH").
CODES = {"MATCH": N_("MATCH"), "PARTIAL": N_("PARTIAL"), "MISMATCH": N_("MISMATCH"), "NOT FOUND": N_("NOT FOUND")}


@dataclass(frozen=True)
class Presentation:
    meaning: str     # for readers, after "Match:" etc.
    display: str     # one of DISPLAYS
    admonition: str  # the theme's admonition class of the box (its colour)
    colour: str      # chart colour (Okabe–Ito palette, safe for colour-blind readers)
    icon: str        # decorative symbol before the label (hidden from screen readers)


PRESENTATION = {
    "MATCH": Presentation(N_("the primary source gives the same value"), "compact", "tip", "#009E73", "✓"),
    "PARTIAL": Presentation(N_("the core value agrees, but its scope, subgroup or wording differs"), "box", "warning",
                            "#E69F00", "≈"),
    "MISMATCH": Presentation(N_("the primary source gives a different value, or does not contain the claim"),
                             "prominent", "danger", "#D55E00", "✗"),
    "NOT FOUND": Presentation(N_("the value is not in what was read (not evidence that the review is wrong)"), "box",
                              "note", "#999999", "?"),
}


# The statuses whose primary source differs from the review: What changed lists them as changes since the review.
DIFFERS_FROM_REVIEW = ("PARTIAL", "MISMATCH")


def names() -> tuple[str, ...]:
    """The statuses in the schema's order (the order of boxes in the legend, counts and charts)."""
    for field in schema.fields(RESOURCE):
        if field["name"] == FIELD:
            return tuple(field.get("constraints", {}).get("enum", ()))
    raise KeyError(f"data/datapackage.json: table '{RESOURCE}' has no field '{FIELD}'")


def presentation(status: str) -> Presentation:
    try:
        return PRESENTATION[status]
    except KeyError:
        raise KeyError(f"source check status '{status}' has no presentation. Fix: add it to PRESENTATION in "
                       f"{HOME} (meaning, display, colour), next to the schema's enum.") from None


def slug(status: str) -> str:
    """'NOT FOUND' -> 'not-found' (CSS classes)."""
    return status.lower().replace(" ", "-")


def css_classes(status: str) -> list[str]:
    """Classes of a check's box, mark or audit-table row: its status and how it is displayed."""
    return [f"status-{slug(status)}", f"reviewkit-source-check-{presentation(status).display}"]


def is_compact(status: str) -> bool:
    return presentation(status).display == "compact"


def colours() -> list[str]:
    return [presentation(status).colour for status in names()]


def problems() -> list[Problem]:
    """The schema's statuses and the presentations agree (part of `make check`)."""
    found: list[Problem] = []
    try:
        allowed = names()
    except KeyError as error:
        return [Problem("data/datapackage.json", None, f"{RESOURCE}.{FIELD}", str(error).strip("'\""),
                        f"restore the '{FIELD}' field of the '{RESOURCE}' table")]
    if not allowed:
        found.append(Problem("data/datapackage.json", None, f"{RESOURCE}.{FIELD}",
                             "the status column lists no allowed values (constraints.enum)",
                             f"list the audit's statuses in constraints.enum; {HOME} says how each is shown"))
    for status in allowed:
        if status not in PRESENTATION:
            found.append(Problem(HOME, None, status, f"status '{status}' (allowed by data/datapackage.json) has "
                                 "no presentation, so the book cannot show such a check",
                                 f"add '{status}' to PRESENTATION in {HOME}: its meaning, display and colour"))
    for status, shown in PRESENTATION.items():
        if status not in allowed:
            found.append(Problem(HOME, None, status, f"status '{status}' is not allowed by data/datapackage.json",
                                 f"add it to {RESOURCE}.{FIELD} constraints.enum, or remove it from PRESENTATION"))
        if shown.display not in DISPLAYS:
            found.append(Problem(HOME, None, status, f"display '{shown.display}' is not one of {', '.join(DISPLAYS)}",
                                 "use compact, box or prominent"))
    return found
