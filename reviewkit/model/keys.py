"""Primary and foreign keys of the data package's tables, in one place: which fields are a table's key (its
schema's ``primaryKey``), how a key value is written (``normalise``), rows indexed by key with a repeated key
reported (file, line, field, fix), and foreign keys (which column refers to which table) with their lookup.

Works on a resource of any descriptor (the working tree's, or one read at a git revision), so the history of
the evidence matches rows by the same key as the checks and the pages do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reviewkit.model.problems import Problem

Key = tuple[str, ...]
# How pandas prints a missing value (a key read through book.data.load): not a key.
_MISSING = ("", "<NA>", "nan", "NaT", "None")


def _names(value) -> list[str]:
    """A schema's ``fields``/``primaryKey`` entry (one name or a list of names) as a list."""
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def key_fields(resource: Mapping) -> list[str]:
    """The fields of the resource's primary key, in the schema's order ([] when it has none)."""
    return _names((resource.get("schema") or {}).get("primaryKey"))


def identifying_fields(resource: Mapping) -> list[str]:
    """The primary key's fields, then every field with a ``unique`` constraint: each names one row."""
    schema = resource.get("schema") or {}
    keys = key_fields(resource)
    return keys + [f["name"] for f in schema.get("fields", [])
                   if (f.get("constraints") or {}).get("unique") and f["name"] not in keys]


def primary_key(resource: Mapping) -> str | None:
    """The one field that names a row: the primary key of a one-field key (the book's tables all have one)."""
    fields = key_fields(resource)
    return fields[0] if fields else None


def normalise(value) -> str:
    """A key value as the key: its text without surrounding blanks; a missing value (None, pandas' <NA>/nan)
    is the empty key, which names no row. Case is kept: registry and table ids are case-sensitive."""
    if value is None:
        return ""
    text = str(value).strip()
    return "" if text in _MISSING else text


def key_of(row: Mapping, fields: Iterable[str]) -> Key:
    """The key of ``row`` (a dict or a pandas Series) over ``fields``, each value normalised."""
    return tuple(normalise(row.get(name)) for name in fields)


def index(rows: Iterable[tuple[int, Mapping]], fields: list[str], file: str
          ) -> tuple[dict[Key, tuple[int, Mapping]], list[Problem]]:
    """Rows by key: {key: (line, row)} in file order, and a problem for each row that repeats an earlier row's
    key or has an empty key (the first row with a key is kept)."""
    found: dict[Key, tuple[int, Mapping]] = {}
    problems: list[Problem] = []
    where = fields[0] if len(fields) == 1 else "/".join(fields)
    for line, row in rows:
        key = key_of(row, fields)
        if not all(key):
            problems.append(Problem(file, line, where, f"the row has no {where}",
                                    f"give the row its {where} (each row is named by it)"))
        elif key in found:
            problems.append(Problem(file, line, where, f"{where} '{'/'.join(key)}' repeats the row on line "
                                    f"{found[key][0]}", f"give each row its own {where}, or merge the two rows"))
        else:
            found[key] = (line, row)
    return found, problems


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]      # columns of this table
    resource: str                # the table they refer to ("references": the bibliography)
    target: tuple[str, ...]      # its columns ((): its primary key)


def foreign_keys(resource: Mapping) -> list[ForeignKey]:
    """The resource's foreign keys, as its schema declares them (malformed ones are left to the checks)."""
    found = []
    for fk in (resource.get("schema") or {}).get("foreignKeys", []) or []:
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            continue
        found.append(ForeignKey(tuple(_names(fk.get("fields"))), str(fk["reference"].get("resource", "")),
                                tuple(_names(fk["reference"].get("fields")))))
    return found


def references(resource: Mapping) -> dict[str, str]:
    """Column -> the table it refers to, for one-column foreign keys."""
    return {fk.fields[0]: fk.resource for fk in foreign_keys(resource) if len(fk.fields) == 1}


def lookup(keys: Iterable[Key] | Mapping[Key, object], value) -> bool:
    """Whether a one-column foreign key's ``value`` names a row among ``keys`` (keys of the target table)."""
    return (normalise(value),) in keys
