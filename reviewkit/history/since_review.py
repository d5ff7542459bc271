"""What changed since the review itself: the baseline the first version is compared with.

The review as published is not a state of this repository, but every row says whose it is: rows whose
``provenance`` is ``review`` state what the review states; every other row (an update, a correction, evidence
the review did not include) is something the book has added since. So the first version's changes are read
from its own evidence: each row that is not the review's, each source check whose primary source differs from
the review (old → new: the review's value → the source's), and each source the book cites that the review
does not. Generic over the data package: any table with a ``provenance`` column takes part.
"""

from __future__ import annotations

from reviewkit.history import rowlabels as words
from reviewkit.model.bibliography import REVIEW_NUMBER, plain, review_doi
from reviewkit.history.changes import Change, RefLink, RowLink
from reviewkit.model.figures import result_text
from reviewkit.model.provenance import PROVENANCE, REVIEW, SOURCE_KINDS
from reviewkit.history.git import Snapshot, Table
from reviewkit.model.records import SOURCE_CHECKS
from reviewkit.model.statuses import DIFFERS_FROM_REVIEW


def title(snapshot: Snapshot) -> str:
    """The baseline as readers see it: "the review as published (journal year;volume(issue))"."""
    doi = review_doi()
    fields = next((f for f in snapshot.references.values() if doi and f.get("doi", "").lower() == doi), None)
    if not fields:
        return "the review as published"
    issue = f";{fields['volume']}({fields['number']})" if fields.get("volume") and fields.get("number") else ""
    return f"the review as published ({plain(fields.get('journal', ''))} {fields.get('year', '')}{issue})"


def _figure(table: Table, row: dict[str, str]) -> str:
    """A long-form figure as the book prints it everywhere (reviewkit.model.figures.result_text)."""
    typed = {}
    for column, text in row.items():
        kind = (table.field(column) or {}).get("type")
        typed[column] = (float(text) if text.strip() else float("nan")) if kind in ("number", "integer") else text
    return result_text(typed)


def _source(snapshot: Snapshot, row: dict[str, str]) -> str:
    reference = (row.get("reference") or "").strip()
    return f" (source: {words.short_reference(snapshot.references.get(reference), reference)})" if reference else ""


def _row_change(snapshot: Snapshot, name: str, key: tuple[str, ...], row: dict[str, str],
                review_rows: dict[str, dict[str, str]]) -> Change:
    table = snapshot.tables[name]
    provenance = row.get("provenance", "").strip()
    link = RowLink(name, key)
    label = words.row_label(snapshot, name, key)
    added = f", added {row['added']}" if (row.get("added") or "").strip() else ""
    # How a row that is not the review's is introduced, by its provenance (an unknown one is named as it is).
    heading = PROVENANCE.get(provenance, {}).get("heading", provenance.replace("_", " ").capitalize())
    intro = f"{heading}{added}: "
    if "claim" in row and name != SOURCE_CHECKS:  # a record of newer evidence: its claim in full, and its source
        kind = SOURCE_KINDS.get(row.get("source_kind", "").strip(), (row.get("source_kind") or "").strip())
        published = (row.get("date_published") or "").strip()
        about = "; ".join(part for part in (kind, f"published {published}" if published else "",
                                              f"confidence {row['confidence']}" if row.get("confidence") else "",
                                              f"not established: {row['unconfirmed']}" if (row.get("unconfirmed") or "").strip() else "")
                          if part)
        return Change("corrections" if provenance == "correction" else "evidence",
                      [intro, (row["claim"], link)] + ([f" ({about})"] if about else []), group=link)
    segments = [intro, (label, link)]
    if "value" in row and (row.get("value") or "").strip():
        figure = _figure(table, row)
        before = review_rows.get(label)
        segments.append(f": the review {_figure(table, before)} → {figure}" if before else f": {figure}")
    segments.append(_source(snapshot, row))
    category = "corrections" if provenance == "correction" else "evidence"
    return Change(category, segments, group=link)


def _source_check_changes(snapshot: Snapshot) -> list[Change]:
    table = snapshot.tables.get(SOURCE_CHECKS)
    if table is None:
        return []
    changes = []
    for key, row in table.rows.items():
        status = (row.get("status") or "").strip()
        if status not in DIFFERS_FROM_REVIEW:
            continue
        link = RowLink(SOURCE_CHECKS, key)
        changes.append(Change("source-checks", [
            f"Source check ({status.lower()}): ", (plain(row.get("claim", "")), link),
            f": the review {row.get('review_value') or words.EMPTY} → the primary source "
            f"{row.get('primary_source_value') or words.EMPTY}" + _source(snapshot, row)], group=link))
    return changes


def _reference_changes(snapshot: Snapshot) -> list[Change]:
    doi = review_doi()
    return [Change("references", ["Source the book adds: ", (words.format_reference(fields), RefLink(key))],
                   group=RefLink(key))
            for key, fields in snapshot.references.items()
            if not fields.get(REVIEW_NUMBER) and not (doi and fields.get("doi", "").lower() == doi)]


def changes(snapshot: Snapshot) -> list[Change]:
    """Every update and correction in ``snapshot`` since the review, each with the row it links to (``group``)."""
    found = []
    for name, table in snapshot.tables.items():
        if "provenance" not in {f["name"] for f in table.fields}:
            continue
        review_rows = {words.row_label(snapshot, name, key): row for key, row in table.rows.items()
                       if row.get("provenance", "").strip() == REVIEW}
        found += [_row_change(snapshot, name, key, row, review_rows) for key, row in table.rows.items()
                  if row.get("provenance", "").strip() != REVIEW]
    found += _source_check_changes(snapshot)
    found += _reference_changes(snapshot)
    return found
