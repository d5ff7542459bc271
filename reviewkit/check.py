"""`make check`: every author-facing check that needs no build, all problems at once."""

from __future__ import annotations

from . import bibliography, chapters, paths, validate
from .problems import Problem


def run_checks(*, require_all_cited: bool = False) -> list[Problem]:
    problems: list[Problem] = []
    problems += bibliography.lint()
    problems += chapters.check_toc()
    bib_keys = set(bibliography.keys()) if paths.bibliography_path().is_file() else set()
    problems += chapters.check_chapters(chapters.all_chapters(), bib_keys, require_all_cited=require_all_cited)
    if paths.datapackage_path().is_file():
        problems += validate.validate_package()
    else:
        problems.append(Problem("data/datapackage.json", None, None, "the data package descriptor is missing",
                                "restore data/datapackage.json (git checkout -- data/datapackage.json)"))
    return sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.field or "", p.message))
