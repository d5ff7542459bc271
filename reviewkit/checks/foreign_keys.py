"""Foreign keys of data/: each value of a column that refers to another table names a row of it (or, for the
``references`` table, an entry of references.bib).

Checked on the rows of the toolkit's one CSV reader, with the foreign keys as reviewkit.model.keys reads them,
rather than by frictionless, whose lookups open every referenced table again for each table that refers to it.
Values are compared as frictionless compares text: exactly, an empty cell (a missing value) referring to
nothing. A foreign key over a column of another type (frictionless compares typed values) is left to
frictionless (``text_only``)."""

from __future__ import annotations

from collections.abc import Mapping

from reviewkit.model import keys
from reviewkit.model.problems import Problem

TEXT_TYPES = {"string", "any", None}
DESCRIPTOR = "data/datapackage.json"
Records = list[tuple[int, dict[str, str]]]


def _types(resource: Mapping) -> dict[str, str | None]:
    return {f["name"]: f.get("type") for f in (resource.get("schema") or {}).get("fields", [])}


def _target_name(resource: Mapping, fk: keys.ForeignKey) -> str:
    return fk.resource or resource["name"]  # an empty resource refers to the table itself (Table Schema)


def text_only(resource: Mapping, fk: keys.ForeignKey, tables: Mapping[str, Mapping], references: str) -> bool:
    """Whether every column on both sides of ``fk`` holds text, so that this module checks it."""
    target = _target_name(resource, fk)
    if target == references:
        return all(_types(resource).get(name) in TEXT_TYPES for name in fk.fields)
    if target not in tables:
        return True  # reported here as a problem of the descriptor
    sides = [(resource, fk.fields), (tables[target], fk.target or tuple(keys.key_fields(tables[target])))]
    return all(_types(table).get(name) in TEXT_TYPES for table, names in sides for name in names)


def fix(resource: Mapping, field: str | None, tables: Mapping[str, Mapping], references: str) -> str | None:
    """Which table (and file) the column's values must name, from the schema's foreign keys."""
    for fk in keys.foreign_keys(resource):
        if ",".join(fk.fields) != field:
            continue
        target = _target_name(resource, fk)
        if target == references:
            return "use a key of references.bib (`make check` lists unknown ones) or add the entry there"
        if target not in tables:
            return None
        return (f"use a {', '.join(fk.target)} that exists in data/{tables[target]['path']}, "
                f"or add that row there first")
    return None


def _missing(resource: Mapping) -> set[str]:
    return set((resource.get("schema") or {}).get("missingValues", [""]))


def _values(row: Mapping[str, str], names: tuple[str, ...], missing: set[str]) -> tuple[str | None, ...]:
    return tuple(None if row.get(name, "") in missing else row[name] for name in names)


def problems(tables: Mapping[str, Mapping], records: Mapping[str, Records], headers: Mapping[str, list[str]],
             bibliography_keys: list[str] | None, *, references: str) -> list[Problem]:
    """Every value of a checked foreign key that names no row of its table. ``tables``: the resources by name;
    ``records``/``headers``: the rows and header of each readable table (a table missing from them is reported
    as unreadable already, so nothing is said of what refers to it); ``bibliography_keys``: the keys of
    references.bib (None: unreadable, reported by its own check). A foreign key the descriptor gets wrong is one
    problem of data/datapackage.json."""
    found: list[Problem] = []
    lookups: dict[tuple[str, tuple[str, ...]], set[tuple[str | None, ...]]] = {}
    for name, resource in tables.items():
        own = set(_types(resource))
        for fk in keys.foreign_keys(resource):
            target = _target_name(resource, fk)
            where = f"resources[{name}].schema.foreignKeys"
            if not text_only(resource, fk, tables, references):
                continue
            if target != references and target not in tables:
                found.append(Problem(DESCRIPTOR, None, where, f"the foreign key on '{', '.join(fk.fields)}' refers "
                                     f"to table '{target}', which data/datapackage.json does not describe",
                                     "name a table of data/datapackage.json (or 'references' for references.bib)"))
                continue
            target_fields = fk.target if target != references else ("key",)
            unknown = [n for n in fk.fields if n not in own]
            if target != references:
                target_fields = target_fields or tuple(keys.key_fields(tables[target]))
                unknown += [f"{target}.{n}" for n in target_fields if n not in set(_types(tables[target]))]
            if unknown or not target_fields or len(target_fields) != len(fk.fields):
                found.append(Problem(DESCRIPTOR, None, where, f"the foreign key on '{', '.join(fk.fields)}' names "
                                     f"fields the tables do not have ({', '.join(unknown) or 'a different number'})",
                                     "name the referring columns and the referenced table's key columns"))
                continue
            if name not in records or any(n not in headers[name] for n in fk.fields):
                continue  # unreadable, or a column missing from its header: reported as such
            if target == references:
                if bibliography_keys is None:
                    continue
                lookup = {(key,) for key in bibliography_keys}
            else:
                if target not in records or any(n not in headers[target] for n in target_fields):
                    continue
                lookup = lookups.get((target, target_fields))
                if lookup is None:
                    missing = _missing(tables[target])
                    lookup = lookups[(target, target_fields)] = {
                        values for _, row in records[target]
                        if set(values := _values(row, target_fields, missing)) != {None}}
            missing = _missing(resource)
            for line, row in records[name]:
                values = _values(row, fk.fields, missing)
                if set(values) == {None} or values in lookup:
                    continue
                field = ", ".join(fk.fields)
                shown = ", ".join(str(v) for v in values)
                found.append(Problem(f"data/{resource['path']}", line, field,
                                     f'foreignkey error: for "{field}": values "{shown}" not found in the lookup '
                                     f'table "{target}" as "{", ".join(target_fields)}"',
                                     fix(resource, field, tables, references) or ""))
    return found
