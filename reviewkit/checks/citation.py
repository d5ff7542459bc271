"""CITATION.cff is read for every page's metadata (the reviewed article of the JSON-LD) and by readers who cite the
book, so `make check` reads it first: valid Citation File Format 1.2.0 (the schema check-jsonschema vendors), the
reviewed article as its first reference, and the same version and release date as versions.yml, or none of
either before the first release (`make release` writes both)."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import yaml

from reviewkit.model import inputs, paths
from reviewkit.history import versions
from reviewkit.model.problems import Problem

NAME = "CITATION.cff"
CFF_SCHEMA = ("check_jsonschema.builtin_schemas.vendor", "citation-file-format.json")
CFF_FIX = "follow the Citation File Format 1.2.0 (https://citation-file-format.github.io), as the keys around it do"


def _schema() -> dict:
    return json.loads(resources.files(CFF_SCHEMA[0]).joinpath(CFF_SCHEMA[1]).read_text(encoding="utf-8"))


def _line(node, path) -> int | None:
    """The line of the value at ``path`` (keys and list indexes) in the composed YAML, or of its nearest parent."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def check() -> list[Problem]:
    path = paths.root() / NAME
    if not path.is_file():
        return [Problem(NAME, None, None, "the file is missing; every page's metadata names the reviewed article "
                        "from it", f"restore it (git checkout -- {NAME})")]
    text = inputs.read_text(path)
    citation = inputs.parse_yaml(text, NAME)
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(citation, dict):
        return [Problem(NAME, 1, None, "the file must be a mapping of keys to values", CFF_FIX)]
    problems = []
    validator = jsonschema.Draft7Validator(_schema(), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    for error in sorted(validator.iter_errors(citation), key=lambda e: list(map(str, e.absolute_path))):
        where = ".".join(map(str, error.absolute_path)) or None
        message = error.message if len(error.message) < 200 else error.message[:200] + "…"
        problems.append(Problem(NAME, _line(node, list(error.absolute_path)), where,
                                f"not valid Citation File Format: {message}", CFF_FIX))
    review = (citation.get("references") or [None])[0]
    if not isinstance(review, dict) or not review.get("title") or not review.get("doi"):
        problems.append(Problem(NAME, _line(node, ["references"]), "references",
                                "the first reference must be the reviewed article, with its title and doi (every "
                                "page's metadata names it)", "restore the review as the first entry of references"))
    try:
        released = versions.released()
    except ValueError:
        return problems  # versions.yml's own check says why
    cited = {key: citation.get(key) for key in ("version", "date-released")}
    if released:
        latest = released[0]
        for key, expected in (("version", latest.version), ("date-released", latest.date)):
            if str(cited[key]) != expected:
                problems.append(Problem(NAME, _line(node, [key]), key, f"{key} is {cited[key]!r}, but the latest "
                                        f"release in versions.yml is {latest.version} of {latest.date}",
                                        f'set {key}: "{expected}" (make release writes both files; do not edit '
                                        "one without the other)"))
    else:
        for key, value in cited.items():
            if value is not None:
                problems.append(Problem(NAME, _line(node, [key]), key, f"{key} is {value!r}, but no version has been "
                                        "released (versions.yml lists none): readers would cite a version that "
                                        "does not exist", f"remove {key}; `make release` sets it when it cuts the "
                                        "first version"))
    return problems
