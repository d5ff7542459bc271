"""The difference between two states of the evidence, in words a reader understands.

Generic over the data package: rows are matched by each table's primary key (from the schema of that
state), columns by name (a renamed column is recognised by its unchanged values), titles and units come
from the schema of the newer state. A table that appears or disappears is reported as a table, not as rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reviewkit.history import rowlabels as words
from reviewkit.history.git import Snapshot, Table
from reviewkit.i18n.generated import _, N_, translated

# Headings of a version's changes, in the order shown.
CATEGORIES = {
    "evidence": N_("New evidence"),
    "corrections": N_("Corrections"),
    "source-checks": N_("Source checks"),
    "references": N_("References"),
    "structure": N_("Tables and columns"),
}
SOURCE_CHECK_TABLES = {"source_checks"}
LONG_TEXT = 100  # longer values are "revised", not printed old → new
# A provenance that qualifies a change's heading ("New study (update)").
PROVENANCE_WORDS = {"update": N_("update"), "not_in_review": N_("not in review"), "correction": N_("correction")}


def evidence_word(provenance: str) -> str:
    return translated(PROVENANCE_WORDS[provenance]) if provenance in PROVENANCE_WORDS else provenance.replace("_", " ")


@dataclass(frozen=True)
class RowLink:
    table: str
    key: tuple[str, ...]


@dataclass(frozen=True)
class TableLink:
    table: str


@dataclass(frozen=True)
class RefLink:
    key: str


@dataclass
class Change:
    """One change: text segments, where a (text, target) pair is a link to the place the book shows it.
    ``place`` is the row whose page is named after the text ("in <chapter title>")."""

    category: str
    segments: list = field(default_factory=list)
    place: RowLink | None = None
    group: RowLink | RefLink | None = None  # changes listed by chapter go under the chapter that shows this

    @property
    def text(self) -> str:
        return "".join(s if isinstance(s, str) else s[0] for s in self.segments)


def _fields(table: Table) -> list[str]:
    names = [f["name"] for f in table.fields]
    for row in table.rows.values():  # columns the CSV has but the schema lacks are still compared
        names += [c for c in row if c not in names]
        break
    return names


def renamed_columns(old: Table, new: Table) -> dict[str, str]:
    """Old column -> new column, for columns whose name changed but whose values did not."""
    removed = [c for c in _fields(old) if c not in _fields(new)]
    added = [c for c in _fields(new) if c not in _fields(old)]
    common = [k for k in old.rows if k in new.rows]
    renames = {}
    for before in removed:
        for after in added:
            if after in renames.values():
                continue
            if common and all(old.rows[k].get(before, "") == new.rows[k].get(after, "") for k in common):
                renames[before] = after
                break
    return renames


def _source(snapshot: Snapshot, table: Table, row: dict[str, str]) -> str:
    """Where a row's figures come from: its reference, source check, update."""
    links = words.foreign_keys(table)
    parts = []
    for column, value in row.items():
        value = value.strip()
        target = links.get(column) or {"reference": "references", "source_check": "source_checks",
                                       "update_id": "updates"}.get(column)
        if not value or target is None:
            continue
        if target == "references":
            parts.append(words.short_reference(snapshot.references.get(value), value))
        elif target in SOURCE_CHECK_TABLES:
            parts.append(_("source check {id}").format(id=value))
        elif target == "updates":
            parts.append(_("newer-evidence record {id}").format(id=value))
    return "; ".join(dict.fromkeys(parts))


def _row_changes(old_snap: Snapshot, new_snap: Snapshot, name: str) -> list[Change]:
    old, new = old_snap.tables[name], new_snap.tables[name]
    title = words.table_title(new_snap, name)
    changes = []
    renames = renamed_columns(old, new)
    old_columns, new_columns = _fields(old), _fields(new)
    for before, after in renames.items():
        changes.append(Change("structure", [_("Column renamed in {table}: {old} → {new}").format(
            table=title, old=words.field_title(old, before), new=words.field_title(new, after))]))
    added = [words.field_title(new, c) for c in new_columns if c not in old_columns and c not in renames.values()]
    removed = [words.field_title(old, c) for c in old_columns if c not in new_columns and c not in renames]
    for names, one, several in ((added, N_("New column in {table}: {columns}"), N_("New columns in {table}: {columns}")),
                                (removed, N_("Column removed from {table}: {columns}"),
                                 N_("Columns removed from {table}: {columns}"))):
        if names:  # one line per table: a reshaped table is one change, not one per column
            changes.append(Change("structure", [translated(several if len(names) > 1 else one).format(
                table=title, columns="; ".join(names))]))
    defined = []
    pairs = [(c, renames.get(c, c)) for c in old_columns if renames.get(c, c) in new_columns]
    for before, after in pairs:
        was, now = old.field(before) or {}, new.field(after) or {}
        if was.get("unit", "") != now.get("unit", "") and (was or now):
            changes.append(Change("structure", [_("Unit of {column} in {table}: {old} → {new}").format(
                column=words.field_title(new, after), table=title, old=was.get("unit") or translated(words.EMPTY),
                new=now.get("unit") or translated(words.EMPTY))]))
        if was.get("description") and now.get("description") and was["description"] != now["description"]:
            defined.append(words.field_title(new, after))
    if defined:
        template = N_("Definitions revised in {table}: {columns}") if len(defined) > 1 else N_(
            "Definition revised in {table}: {columns}")
        changes.append(Change("structure", [translated(template).format(table=title, columns="; ".join(defined))]))

    noun = words.row_noun(new_snap, name)
    category = "source-checks" if name in SOURCE_CHECK_TABLES else "evidence"
    for key, row in new.rows.items():
        if key in old.rows:
            continue
        provenance = (row.get("provenance") or "").strip()
        qualified = provenance and provenance != "review" and provenance not in noun
        heading = (_("New {noun} ({provenance})").format(noun=noun, provenance=evidence_word(provenance)) if qualified
                   else _("New {noun}").format(noun=noun))
        label = words.row_label(new_snap, name, key)
        if name in SOURCE_CHECK_TABLES:
            status = row.get("status", "").strip()
            changes.append(Change(category, [f"{heading} ", (label, RowLink(name, key))]
                                  + ([f" ({status})"] if status else []), RowLink(name, key)))
        else:
            changes.append(Change(category, [f"{heading}: ", (label, RowLink(name, key))], RowLink(name, key)))
    for key in old.rows:
        if key not in new.rows:
            changes.append(Change("corrections", [_("Removed {noun}: {row}").format(
                noun=noun, row=words.row_label(old_snap, name, key))]))
    for key, row in new.rows.items():
        before_row = old.rows.get(key)
        if before_row is None:
            continue
        for before, after in pairs:
            was, now = before_row.get(before, ""), row.get(after, "")
            if was == now:
                continue
            changes.append(_value_change(old_snap, new_snap, name, key, row, (before, after), (was, now), category))
    return changes


def _value_change(old_snap: Snapshot, snap: Snapshot, name: str, key, row, columns: tuple[str, str],
                  values: tuple[str, str], category: str) -> Change:
    table, column = snap.tables[name], columns[1]
    was, now = values
    label = words.row_label(snap, name, key)
    newer = (row.get("provenance") or "").strip() in ("update", "not_in_review")
    # In a long-form table the figure is in `value`: its row label already says what it measures.
    column_title = "" if column == "value" else _("{column} of").format(column=words.field_title(table, column)) + " "
    if max(len(was), len(now)) > LONG_TEXT:
        return Change(category if category == "source-checks" else "corrections",
                      [_("Revised:") + " " + column_title, (label, RowLink(name, key)),
                       " " + _("(the wording changed)")])
    unit = words.unit(table, column, row)
    unit = "" if not unit else (unit if unit == "%" else f" {unit}")
    source = _source(snap, table, row)
    return Change(category if category == "source-checks" else "corrections",
                  [(_("Updated:") if newer else _("Corrected:")) + " " + column_title, (label, RowLink(name, key)),
                   f" {words.display_value(old_snap, old_snap.tables[name], columns[0], was)} → "
                   f"{words.display_value(snap, table, column, now)}{unit}"
                   + (" " + _("(source: {source})").format(source=source) if source else "")])


def _reference_changes(old: Snapshot, new: Snapshot) -> list[Change]:
    changes = []
    for key, fields in new.references.items():
        if key not in old.references:
            changes.append(Change("references", [_("Reference added:") + " ",
                                                 (words.format_reference(fields), RefLink(key))]))
    for key, fields in old.references.items():
        if key not in new.references:
            changes.append(Change("references", [_("Reference removed:") + f" {words.format_reference(fields)}"]))
    for key, fields in new.references.items():
        before = old.references.get(key)
        if before is None or before == fields:
            continue
        for name in sorted(set(before) | set(fields)):
            if before.get(name, "") != fields.get(name, "") and name != "ENTRYTYPE":
                changes.append(Change("references", [
                    _("Reference corrected:") + " ", (words.short_reference(fields, key), RefLink(key)),
                    f", {name}: {before.get(name) or translated(words.EMPTY)} → {fields.get(name) or translated(words.EMPTY)}"]))
    return changes


def diff(old: Snapshot, new: Snapshot) -> list[Change]:
    """Every change from ``old`` to ``new``, ordered by category (CATEGORIES), then as found."""
    changes = []
    for name, table in new.tables.items():
        if name not in old.tables:
            count = len(table.rows)
            rows = _("1 row") if count == 1 else _("{count} rows").format(count=count)
            changes.append(Change("evidence", [_("New table:") + " ", (words.table_title(new, name), TableLink(name)),
                                               f" ({rows})"]))
        else:
            changes += _row_changes(old, new, name)
    for name, table in old.tables.items():
        if name not in new.tables:
            changes.append(Change("structure", [_("Table removed: {table} ({count} rows)").format(
                table=words.table_title(old, name), count=len(table.rows))]))
    changes += _reference_changes(old, new)
    order = list(CATEGORIES)
    return sorted(changes, key=lambda c: order.index(c.category))
