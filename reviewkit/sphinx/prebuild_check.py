"""The build refuses bad sources: `make check`'s checks run before Sphinx reads anything (wired in
reviewkit.sphinx), and a problem stops the build with every problem listed.

The checks remember what passed (reviewkit.checks.run, reviewkit.checks.memo): a rebuild of unchanged sources
checks nothing again, and an edit checks again the groups of checks that read the edited file.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from reviewkit.model.problems import CheckFailed


def check_before_build(app: Sphinx) -> None:
    from reviewkit.checks import run as check

    problems = check.run_checks(complete_book=not app.config.reviewkit_partial_build)
    if problems:
        raise ExtensionError("the book's sources have problems; nothing was built.\n" + CheckFailed(problems).report())
