"""_config.yml and the Makefile: no unknown keys (a misspelt `exectue:` would silently drop the whole execute
block), no markup in values shown on pages, nothing loaded from third-party hosts, and the settings the book's
honesty depends on cannot be switched off without `make check` saying so."""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import re
from functools import cache
from pathlib import Path

import jupyter_book
import yaml
from myst_parser.config.main import MdParserConfig

from reviewkit.model import inputs, paths, urls
from reviewkit.model.problems import Problem

NAME = "_config.yml"
MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|javascript\s*:|vbscript\s*:|data\s*:\s*text/html", re.I)
# Required values: setting -> (allowed values, why). A missing key counts as its Jupyter Book default.
HONESTY = {
    ("execute", "execute_notebooks"): ({"cache", "force"}, "every chapter is executed at build time"),
    ("execute", "raise_on_error"): ({True}, "a cell that raises fails the build instead of publishing a traceback"),
    ("execute", "allow_errors"): ({False, None}, "a cell that raises stops the chapter"),
    ("execute", "stderr_output"): ({"error", "severe"}, "output on stderr (warnings, errors) fails the build"),
    ("execute", "exclude_patterns"): ({None}, "no chapter is excluded from execution"),
    ("launch_buttons", "thebe"): ({False, None}, "no page loads code from a third-party host (thebe: unpkg.com)"),
}
# Sphinx settings that would override the ones above, or silence warnings, behind their back.
FORBIDDEN_SPHINX = {
    "nb_execution_mode", "nb_execution_raise_on_error", "nb_execution_allow_errors", "nb_output_stderr",
    "nb_execution_excludepatterns", "suppress_warnings", "nitpick_ignore", "nitpick_ignore_regex",
    "myst_suppress_warnings", "html_js_files", "reviewkit_check_sources", "reviewkit_live_reload",
    "nb_render_plugin",
}
THIRD_PARTY = [("launch_buttons", key) for key in ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url")] + [
    ("html", "analytics"), ("html", "comments")]
EXTENSION = "reviewkit.sphinx"
PARTIAL_ENV = "REVIEWKIT_ALLOW_PARTIAL_BUILD"


@cache
def allowed_keys() -> dict[str, set[str] | None]:
    """Top-level key -> its allowed sub-keys (None: a free mapping), from Jupyter Book's own defaults and schema."""
    folder = Path(jupyter_book.__file__).parent
    defaults = yaml.safe_load((folder / "default_config.yml").read_text(encoding="utf-8"))
    schema = json.loads((folder / "config_schema.json").read_text(encoding="utf-8"))["properties"]
    allowed: dict[str, set[str] | None] = {}
    for key in set(defaults) | set(schema):
        nested = set((defaults.get(key) or {}) if isinstance(defaults.get(key), dict) else {})
        nested |= set(schema.get(key, {}).get("properties", {}))
        allowed[key] = nested or None
    allowed["parse"] = {f"myst_{f.name}" for f in dataclasses.fields(MdParserConfig)}
    allowed["sphinx"] = {"extra_extensions", "local_extensions", "recursive_update", "config"}
    return allowed


def _line_of(lines: list[str], *keys: str) -> int | None:
    """The line of the last of ``keys`` (a nested key is searched after its parent's line)."""
    start, found = 0, None
    for key in keys:
        pattern = re.compile(rf"^\s*{re.escape(str(key))}\s*:")
        found = next((i + 1 for i in range(start, len(lines)) if pattern.match(lines[i])), None)
        if found is None:
            return None
        start = found
    return found


def _strings(value, path=()):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, path)


def config_problems(config, lines: list[str], *, complete_book: bool = True) -> list[Problem]:
    if not isinstance(config, dict):
        return [Problem(NAME, 1, None, "the configuration must be a mapping of keys to values",
                        "restore _config.yml (git checkout -- _config.yml)")]
    problems = []

    def problem(keys, message, fix):
        problems.append(Problem(NAME, _line_of(lines, *keys), ".".join(map(str, keys)), message, fix))

    allowed = allowed_keys()
    for key, value in config.items():
        if key not in allowed:
            guess = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean '{guess[0]}'? " if guess else ""
            problem([key], f"unknown key '{key}' (Jupyter Book would ignore it, and everything under it, silently)",
                    f"{hint}the known keys are: {', '.join(sorted(allowed))}")
        elif allowed[key] is not None and isinstance(value, dict):
            for sub in value:
                if sub not in allowed[key]:
                    problem([key, sub], f"unknown key '{key}.{sub}' (it would be ignored silently)",
                            f"correct the spelling; '{key}' takes: {', '.join(sorted(allowed[key]))}")
    for (section, key), (values, why) in HONESTY.items():
        block = config.get(section) if isinstance(config.get(section), dict) else {}
        value = block.get(key)
        if value in ([], "", {}):
            value = None
        # Compared with their types: YAML's 1 is not true, and a list is no allowed value at all.
        if not any(value is allowed_value or (type(value) is type(allowed_value) and value == allowed_value)
                   for allowed_value in values):
            shown = " or ".join(sorted(map(json.dumps, values - {None}))) or "nothing (remove the key)"
            state = "is not set" if value is None else f"is {json.dumps(value)}"
            problem([section, key], f"{section}.{key} {state}, but the book requires it so that {why}",
                    f"set {section}.{key} to {shown}")
    for section, key in THIRD_PARTY:
        value = (config.get(section) or {}).get(key) if isinstance(config.get(section), dict) else None
        if _is_set(value):
            problem([section, key], f"{section}.{key} would load scripts or send readers to a third-party service",
                    f"remove {section}.{key} (the book is read offline-first and sends no reader data anywhere)")
    sphinx = config.get("sphinx") if isinstance(config.get("sphinx"), dict) else {}
    if EXTENSION not in (sphinx.get("extra_extensions") or []):
        problem(["sphinx", "extra_extensions"], f"{EXTENSION} is not among sphinx.extra_extensions, so the build "
                "would skip every check", f"add `- {EXTENSION}` under sphinx: extra_extensions:")
    sphinx_config = sphinx.get("config") if isinstance(sphinx.get("config"), dict) else {}
    for key in sorted(FORBIDDEN_SPHINX & set(sphinx_config)):
        problem(["sphinx", "config", key], f"sphinx.config.{key} would weaken the build's checks behind their back",
                f"remove {key}; set execution in the execute: block, and fix warnings instead of silencing them")
    if "reviewkit_partial_build" in sphinx_config and os.environ.get(PARTIAL_ENV) != "1":
        # A committed flag would let a finding go unshown; only the test suite's copies may carry it.
        problem(["sphinx", "config", "reviewkit_partial_build"], "reviewkit_partial_build relaxes the whole-book "
                "rules (every source check shown, every reference cited); it is for the test suite's copies only",
                f"remove reviewkit_partial_build from _config.yml (tests set {PARTIAL_ENV}=1 for their copies)")
    html = config.get("html") if isinstance(config.get("html"), dict) else {}
    for keys, value in ((["logo"], config.get("logo")), (["html", "favicon"], html.get("favicon"))):
        if value and not (isinstance(value, str) and urls.is_local(value)):
            problem(keys, f"{'.'.join(keys)} {value!r} is not a file of the book",
                    "give the path of an image in the repository (e.g. assets/favicon.svg)")
    for path, value in _strings(config):
        if MARKUP.search(value):
            problem(list(path), f"the value {value[:60]!r} contains markup or a script URL; values here are shown "
                    "on every page", "write plain text (no <tags>, no javascript: links)")
    return problems


def _is_set(value) -> bool:
    """True if any leaf of ``value`` is switched on (a true flag or a non-empty string)."""
    if isinstance(value, dict):
        return any(_is_set(item) for item in value.values())
    return bool(value)


# ------------------------------------------------------------------ the Makefile's build command
BUILD_COMMAND = "reviewkit build"


def makefile_problems(path: Path) -> list[Problem]:
    """`make book` must build through `reviewkit build`, which always passes -W -n --keep-going (warnings are
    errors) and publishes only a successful build."""
    name = paths.relative(path)
    lines = inputs.read_text(path).splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(r"^book\s*:", line)), None)
    if start is None:
        return [Problem(name, None, "book", "the Makefile has no `book` target", "restore it (git checkout -- Makefile)")]
    recipe = []
    for line in lines[start + 1:]:
        if not line.startswith("\t"):
            break
        recipe.append(line)
    if not any(BUILD_COMMAND in line and "--" not in line.split(BUILD_COMMAND, 1)[1] for line in recipe):
        return [Problem(name, start + 1, "book", f"`make book` does not build with `{BUILD_COMMAND}` (or passes it "
                        "options), so warnings might not be errors and a failed build might be published",
                        f"make the recipe run `$(BIN)/{BUILD_COMMAND}` (git checkout -- Makefile)")]
    return []


def check(*, complete_book: bool = True) -> list[Problem]:
    path = paths.root() / NAME
    text = inputs.read_text(path)
    config = inputs.parse_yaml(text, NAME)
    problems = config_problems(config, text.splitlines(), complete_book=complete_book)
    makefile = paths.root() / "Makefile"
    if complete_book and makefile.is_file():
        problems += makefile_problems(makefile)
    return problems
