"""The data files read as text, before frictionless sees them: files that cannot be read, files the package
does not describe, and cell rules frictionless has no constraint for (hidden characters, spreadsheet formulas,
non-finite numbers, keys that differ only in look-alike characters)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reviewkit.model import hygiene, inputs, keys, paths
from reviewkit.model.problems import Problem

STRING_TYPES = {"string", "any", None}


@dataclass
class DataFiles:
    problems: list[Problem] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)  # resources frictionless must not be asked to read
    headers: dict[str, list[str]] = field(default_factory=dict)
    # resource -> the file line where each row starts, header first (frictionless counts rows, not lines)
    lines: dict[str, list[int]] = field(default_factory=dict)
    records: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)  # resource -> its rows

    def line(self, resource: str, row_number: int | None) -> int | None:
        """The file line of frictionless's ``row_number`` (1 the header, 2 the first row after it; a blank line
        counts as a row): the line the one CSV reader gives the row, so a value spanning lines moves no report."""
        starts = self.lines.get(resource)
        if row_number is None or not starts or not 1 <= row_number <= len(starts):
            return row_number
        return starts[row_number - 1]


def undescribed_files(resources: list[dict]) -> list[Problem]:
    """Every file in data/ must be the descriptor or a described resource: only those are validated, and only
    those are published beside the pages."""
    described = {"datapackage.json"} | {str(r.get("path")) for r in resources}
    problems = []
    for path in sorted(paths.data_dir().iterdir()):
        if path.name.startswith(".") or path.name in described:
            continue
        name = paths.relative(path)
        problems.append(Problem(name, None, None, "this file is not described by data/datapackage.json, so it "
                                "would be neither validated nor published",
                                "add a resource for it (with its schema) to data/datapackage.json, or delete it"))
    return problems


def _types(resource: dict) -> dict[str, str | None]:
    return {f["name"]: f.get("type") for f in resource["schema"]["fields"]}


def cell_problems(name: str, resource: dict, header: list[str], rows: list[tuple[int, list[str]]]) -> list[Problem]:
    types = _types(resource)
    key_fields = set(keys.identifying_fields(resource))
    problems: list[Problem] = []
    seen: dict[str, dict[str, tuple[str, int]]] = {column: {} for column in key_fields}
    for line, cells in rows:
        for column, cell in zip(header, cells):
            if not cell:
                continue
            hidden = hygiene.hidden_characters_message(cell)
            if hidden:
                problems.append(Problem(name, line, column, f"the cell {hidden}", hygiene.HIDDEN_FIX))
            kind = types.get(column)
            if kind in STRING_TYPES and (prefix := hygiene.formula_prefix(cell)):
                problems.append(Problem(name, line, column, f"the cell begins with '{prefix}' "
                                        f"({cell[:40]!r}), which a spreadsheet runs as a formula",
                                        hygiene.FORMULA_FIX))
            if kind == "number" and hygiene.non_finite(cell):
                problems.append(Problem(name, line, column, f"'{cell}' is not a finite number",
                                        "write the number the source gives, or leave the cell empty if it gives none"))
            if column in seen:
                form = hygiene.key_form(cell)
                first = seen[column].get(form)
                if first is not None and first[0] != cell:
                    problems.append(Problem(name, line, column,
                                            f"key {cell!r} looks the same as {first[0]!r} (line {first[1]}): they "
                                            "differ only in case, width or look-alike characters",
                                            "keys must differ visibly: merge the two rows or give this one a "
                                            "distinct key, typed in plain characters"))
                seen[column].setdefault(form, (cell, line))
    return problems


def check(resources: list[dict]) -> DataFiles:
    result = DataFiles()
    result.problems += undescribed_files(resources)
    for resource in resources:
        path: Path = paths.data_dir() / resource["path"]
        name = paths.relative(path)
        if not path.is_file():
            result.problems.append(Problem(name, None, None, f"table '{resource['name']}' is declared in "
                                           "data/datapackage.json but its file is missing",
                                           f"restore the CSV (git checkout -- {name}) or remove its resource"))
            result.unreadable.add(resource["name"])
            continue
        try:
            header, rows = inputs.read_csv_cells(path)
        except inputs.Unreadable as error:
            result.problems.append(error.problem)
            result.unreadable.add(resource["name"])
            continue
        if not header:
            result.problems.append(Problem(name, 1, None, "the file is empty",
                                           f"restore the header row and data (git checkout -- {name})"))
            result.unreadable.add(resource["name"])
            continue
        result.headers[resource["name"]] = header
        result.lines[resource["name"]] = [1, *(line for line, _ in rows)]
        result.records[resource["name"]] = inputs.as_records(header, rows)
        result.problems += cell_problems(name, resource, header, rows)
    return result
