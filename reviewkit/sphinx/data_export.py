"""The data package as readers download it: self-contained, so `frictionless validate datapackage.json`
passes on the downloaded folder.

In the repository, the `references` resource (the keys of references.bib that `reference` columns point
to) is injected at validation time. The published copy carries it as a real file, references.csv,
generated from references.bib, with the descriptor naming it.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from reviewkit.model import bibliography, paths, schema

REFERENCES_FILE = "references.csv"
REFERENCE_FIELDS = ["key", "entry_type", "author", "title", "journal", "year", "doi", "url"]


def references_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REFERENCE_FIELDS)
    for entry in bibliography.parse().entries:
        fields = entry.fields_dict
        writer.writerow([entry.key, entry.entry_type] + [
            bibliography.plain(fields[name].value) if name in fields else ""
            for name in REFERENCE_FIELDS[2:]])
    return out.getvalue()


def published_descriptor() -> dict:
    descriptor = json.loads(json.dumps(schema.descriptor()))
    descriptor["resources"] = [r for r in descriptor["resources"] if r.get("name") != schema.REFERENCES_RESOURCE]
    descriptor["resources"].append({
        "name": schema.REFERENCES_RESOURCE, "path": REFERENCES_FILE, "profile": "tabular-data-resource",
        "title": "References", "description": "The book's bibliography (generated from references.bib): the "
        "targets of every `reference` column.", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "schema": {"fields": [{"name": name, "type": "string"} for name in REFERENCE_FIELDS],
                   "primaryKey": ["key"]},
    })
    return descriptor


def write(target: Path) -> None:
    """Write the published descriptor and references.csv into ``target`` (the site's data folder)."""
    (target / REFERENCES_FILE).write_text(references_csv(), encoding="utf-8")
    (target / "datapackage.json").write_text(json.dumps(published_descriptor(), indent=2, ensure_ascii=False) + "\n",
                                             encoding="utf-8")


def publish_data(outdir: Path) -> None:
    """Copy the CSVs the descriptor describes to <site>/data with the self-contained published descriptor
    (write); remove anything else there."""
    target = outdir / "data"
    target.mkdir(exist_ok=True)
    described = {resource["path"] for resource in schema.resources()}
    for name in sorted(described):
        shutil.copy2(paths.data_dir() / name, target / name)
    write(target)  # datapackage.json, and the references resource as a real file
    wanted = described | {"datapackage.json", REFERENCES_FILE}
    for path in target.iterdir():
        if path.name not in wanted:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
