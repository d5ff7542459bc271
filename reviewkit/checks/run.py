"""`make check`: every author-facing check that needs no build, all problems at once.

It never crashes: each check runs on its own, a file that cannot be read or parsed is one problem (see
reviewkit.model.inputs), and the other files are still checked.

The checks come in groups, each declaring the files it reads (``GROUPS``). A group that passed is remembered
in _build by the content hash of those files and of the toolkit's code (reviewkit.checks.memo), so `make check`,
`make book` and the build itself check each state of the sources once, and an edit to one chapter's prose runs
the chapter checks only. A group that found a problem is never remembered: it runs, and reports, every time.
"""

from __future__ import annotations

from reviewkit.model import inputs, paths
from reviewkit.checks.memo import CheckMemo
from reviewkit.model.problems import Problem

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


# Each group imports what it checks with: a build whose sources all passed before imports none of it.
def _chapter_checks(complete_book: bool, memo: CheckMemo) -> list[Problem]:
    from reviewkit.model import bibliography, chapters, mystdoc, toc
    from reviewkit.checks import html_policy, reads, shown

    problems = guarded("_toc.yml", toc.check_toc)
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
    problems += guarded("chapters", shown.check, readable, complete_book=complete_book)
    problems += guarded("chapters", html_policy.check_chapters, readable)
    problems += guarded("chapters", reads.check_chapters, readable)
    for chapter in readable:
        problems += guarded(chapter.name, mystdoc.nesting_problems, chapter.name, chapter.text)
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


def _data_checks(complete_book: bool, memo: CheckMemo) -> list[Problem]:
    from reviewkit.checks import expectations, rules, validate
    from reviewkit.model import statuses
    from reviewkit.screening.check import surveillance_problems

    problems = guarded("data/datapackage.json", validate.validate_package, memo)
    structure = [p for p in problems if p.file == "data/datapackage.json"]
    if not structure:  # the toolkit's own expectations of the descriptor, which an author cannot loosen
        problems += guarded("data/datapackage.json", expectations.check)
    if not problems:  # the rules compare cells, so they need every cell valid first
        problems += guarded("data", rules.check)
    problems += guarded("data/datapackage.json", statuses.problems)
    problems += guarded("data", surveillance_problems)
    return problems


def _configuration_checks(complete_book: bool, memo: CheckMemo) -> list[Problem]:
    from reviewkit.checks import config as config_check

    return guarded("_config.yml", config_check.check, complete_book=complete_book)


def _bibliography_checks(complete_book: bool, memo: CheckMemo) -> list[Problem]:
    from reviewkit.model import bibliography

    return guarded("references.bib", bibliography.lint)


def _versions_checks(complete_book: bool, memo: CheckMemo) -> list[Problem]:
    from reviewkit.checks import citation as citation_check
    from reviewkit.history import versions

    return guarded("versions.yml", versions.lint) + guarded("CITATION.cff", citation_check.check)


def _translation_checks(complete_book: bool, memo: CheckMemo) -> list[Problem]:
    from reviewkit.checks import translations

    return guarded("locales", translations.check_catalogues, complete_book=complete_book)


# name -> (the files the group reads, as glob patterns relative to the root; the group's checks, called with
# complete_book and the check memo, in which a group may keep what passed of its own parts under "<name>/").
# The chapters named in _toc.yml are added to the chapter group's inputs wherever they live.
GROUPS = {
    "configuration": (("_config.yml", "Makefile", "_toc.yml"), _configuration_checks),
    "bibliography": (("references.bib",), _bibliography_checks),
    "versions": (("versions.yml", "CITATION.cff"), _versions_checks),
    "data": (("data/**/*", "references.bib", "surveillance/**/*"), _data_checks),
    "chapters": (("_toc.yml", "chapters/**/*", "references.bib", "data/**/*"), _chapter_checks),
    "translations": (("_toc.yml", "locales/**/*"), _translation_checks),
}


# The groups whose rules differ for a copy reduced to a few chapters (complete_book=False): what they found for
# the whole book says nothing about the copy, and the reverse. The other groups check the same either way.
WHOLE_BOOK_GROUPS = {"configuration", "chapters", "translations"}


def _fingerprint(memo: CheckMemo, name: str, patterns: tuple[str, ...], complete_book: bool) -> str:
    return memo.fingerprint(patterns, with_toc_files=name == "chapters",
                            settings=f"complete_book={complete_book}" if name in WHOLE_BOOK_GROUPS else "")


def passed(name: str) -> bool:
    """Whether a check of the whole book passed group ``name`` for its files as they are now (after `make check`,
    or the build's own check before its kernels run): no need to check them again."""
    memo = CheckMemo(paths.root())
    return memo.passed(name, _fingerprint(memo, name, GROUPS[name][0], complete_book=True))


def run_checks(*, complete_book: bool = True, groups: dict | None = None) -> list[Problem]:
    """All problems. ``complete_book=False`` (builds of a few chapters, in tests) skips the coverage rules
    that only hold for the whole book: every entry cited, every source check shown."""
    memo = CheckMemo(paths.root())
    problems: list[Problem] = []
    for name, (patterns, run) in (groups or GROUPS).items():
        fingerprint = _fingerprint(memo, name, patterns, complete_book)
        if memo.passed(name, fingerprint):
            continue
        found = run(complete_book, memo)
        if not found:  # a group not recorded in this run is dropped from the memo
            memo.record(name, fingerprint)
        problems += found
    memo.save()
    unique = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.field or "", p.message))
    return _without_consequences(unique)
