"""`make check`: every author-facing check that needs no build, all problems at once."""

from __future__ import annotations

from . import bibliography, chapters, paths, rules, statuses, validate, versions
from .watch.screening_check import surveillance_problems
from .problems import Problem


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
    problems += bibliography.lint()
    problems += chapters.check_toc()
    problems += versions.lint()
    bib_keys = set(bibliography.keys()) if paths.bibliography_path().is_file() else set()
    problems += chapters.check_chapters(chapters.all_chapters(), bib_keys, complete_book=complete_book)
    if paths.datapackage_path().is_file():
        package_problems = validate.validate_package()
        problems += package_problems
        if not package_problems:  # the rules compare cells, so they need every cell valid first
            problems += rules.check()
        problems += statuses.problems()
        problems += surveillance_problems()
    else:
        problems.append(Problem("data/datapackage.json", None, None, "the data package descriptor is missing",
                                "restore data/datapackage.json (git checkout -- data/datapackage.json)"))
    return sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.field or "", p.message))
