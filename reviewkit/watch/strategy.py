"""The saved search strategy (surveillance/search-strategy.yml): read, checked, and explained on errors."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import yaml

from reviewkit.model import paths
from reviewkit.model.problems import Problem

STRATEGY_FILE = "surveillance/search-strategy.yml"
SEARCH_SOURCES = ("pubmed", "europepmc", "ctgov")


class StrategyError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def path() -> Path:
    return paths.root() / STRATEGY_FILE


def _line(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(f"{key}:"):
            return number
    return None


def problems() -> list[Problem]:
    """Everything wrong with the strategy file (an empty list when it is absent: a book without surveillance)."""
    file = path()
    if not file.is_file():
        return []
    text = file.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return [Problem(STRATEGY_FILE, mark.line + 1 if mark else None, None, f"not valid YAML: {error}",
                        "fix the indentation or quoting (a `>-` block keeps a long query readable)")]
    found = []

    def need(condition, key, message, fix):
        if not condition:
            found.append(Problem(STRATEGY_FILE, _line(text, key.split(".")[-1]), key, message, fix))

    if not isinstance(data, dict):
        return [Problem(STRATEGY_FILE, 1, None, "the file is not a mapping of keys to values",
                        "restore it (git checkout -- " + STRATEGY_FILE + ")")]
    start = data.get("start_date")
    need(isinstance(start, dt.date), "start_date", f"start_date {start!r} is not a date",
         "write the first day the first search covers, e.g. start_date: 2025-05-10")
    sources = data.get("sources")
    need(isinstance(sources, dict), "sources", "no `sources` mapping", "list pubmed, europepmc and ctgov under sources:")
    for name in SEARCH_SOURCES:
        entry = (sources or {}).get(name) if isinstance(sources, dict) else None
        need(isinstance(entry, dict) and isinstance(entry.get("query"), str) and entry["query"].strip(),
             f"sources.{name}", f"source '{name}' has no query", f"give sources.{name}.query the query to send")
    living = data.get("living_mode")
    need(isinstance(living, dict) and living.get("update_triggers") and living.get("retirement"), "living_mode",
         "living_mode must state update_triggers and a retirement criterion",
         "add living_mode: update_triggers: [...] and retirement: ...")
    need(isinstance(data.get("schedule"), dict), "schedule", "no `schedule`", "say when the search runs")
    covers = data.get("covers") or []
    need(isinstance(covers, list), "covers", "`covers` is not a list of chapters", "list chapters as - chapters/<name>")
    for entry in covers if isinstance(covers, list) else []:
        need((paths.root() / f"{str(entry).removesuffix('.md')}.md").is_file(), "covers",
             f"covers '{entry}', which is not a chapter", "name a chapter file without .md, e.g. chapters/outlook")
    return found


def load() -> dict:
    """The strategy as a mapping; StrategyError (with every problem) if it is missing or broken."""
    if not path().is_file():
        raise StrategyError([Problem(STRATEGY_FILE, None, None, "the search strategy is missing",
                                     "restore it (git checkout -- " + STRATEGY_FILE + ")")])
    found = problems()
    if found:
        raise StrategyError(found)
    return yaml.safe_load(path().read_text(encoding="utf-8"))


def query(strategy: dict, source: str) -> str:
    return " ".join(strategy["sources"][source]["query"].split())


def contact(strategy: dict) -> str | None:
    return os.environ.get("REVIEWKIT_CONTACT_EMAIL") or (strategy.get("contact_email") or "").strip() or None
