"""`make check`: every author-facing check that needs no build, all problems at once.

It never crashes: each check runs on its own, a file that cannot be read or parsed is one problem (see
reviewkit.inputs), and the other files are still checked.
"""

from __future__ import annotations

from . import (bibliography, chapters, config_check, html_policy, inputs, paths, reads, rules, statuses, validate,
               versions)
from .watch.screening_check import surveillance_problems
from .problems import Problem

UNFORESEEN_FIX = ("the file is malformed in a way no rule of make check names: compare it with the last commit "
                  "(git diff) and undo the change the message points at")


def guarded(where: str, check, *args, **kwargs) -> list[Problem]:
    """The problems ``check`` finds; a file it cannot read, or an input no rule foresaw, is one problem."""
    try:
        return list(check(*args, **kwargs))
    except inputs.Unreadable as error:
        return [error.problem]
    except Exception as error:  # noqa: BLE001 - reported as a problem (the check fails), never a traceback
        return [Problem(where, None, None, f"could not be checked ({type(error).__name__}: {error})", UNFORESEEN_FIX)]


def _chapter_checks(complete_book: bool) -> list[Problem]:
    problems = guarded("_toc.yml", chapters.check_toc)
    if problems and all(p.field is None for p in problems):
        return problems  # _toc.yml itself is unreadable: no chapter list to check
    readable, unreadable = chapters.readable_chapters()
    problems += unreadable
    try:
        bib_keys = set(bibliography.keys()) if paths.bibliography_path().is_file() else set()
    except inputs.Unreadable:
        bib_keys = None  # reported by the bibliography's own check
    if bib_keys is not None:
        problems += guarded("chapters", chapters.check_chapters, readable, bib_keys, complete_book=complete_book)
    else:
        problems += guarded("chapters", chapters.check_source_checks_shown, readable, complete_book=complete_book)
    problems += guarded("chapters", html_policy.check_chapters, readable)
    problems += guarded("chapters", reads.check_chapters, readable)
    return problems


def _without_consequences(problems: list[Problem]) -> list[Problem]:
    """A column missing from a header is found both by the validation and by the code that reads the column by
    name; keep one report of it."""
    seen: set[tuple[str, str | None]] = set()
    kept = []
    for problem in problems:
        if problem.line == 1 and problem.field is not None:
            key = (problem.file, problem.field)
            if key in seen:
                continue
            seen.add(key)
        kept.append(problem)
    return kept


def partial_build_configured() -> bool:
    """True in a copy of the book reduced to a few chapters (tests set `reviewkit_partial_build` in
    _config.yml): it is checked as its build checks it, without the whole-book coverage rules."""
    import yaml

    config_file = paths.root() / "_config.yml"
    try:
        config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False  # a broken _config.yml is reported by the build itself
    sphinx = config.get("sphinx") if isinstance(config, dict) else None
    return bool(((sphinx or {}).get("config") or {}).get("reviewkit_partial_build"))


def run_checks(*, complete_book: bool = True) -> list[Problem]:
    """All problems. ``complete_book=False`` (builds of a few chapters, in tests) skips the coverage rules
    that only hold for the whole book: every entry cited, every source check shown."""
    problems: list[Problem] = []
    problems += guarded("_config.yml", config_check.check, complete_book=complete_book)
    problems += guarded("references.bib", bibliography.lint)
    problems += guarded("versions.yml", versions.lint)
    package_problems = guarded("data/datapackage.json", validate.validate_package)
    problems += package_problems
    if not package_problems:  # the rules compare cells, so they need every cell valid first
        problems += guarded("data", rules.check)
    problems += guarded("data/datapackage.json", statuses.problems)
    problems += guarded("data", surveillance_problems)
    problems += _chapter_checks(complete_book)
    unique = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.field or "", p.message))
    return _without_consequences(unique)
