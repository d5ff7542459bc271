"""The build refuses bad sources: `make check`'s checks run before Sphinx reads anything (wired in
reviewkit.sphinxext), and a problem stops the build with every problem listed.

The checks remember what passed (reviewkit.check, reviewkit.check_memo): a rebuild of unchanged sources
checks nothing again, and an edit checks again the groups of checks that read the edited file.
"""

from __future__ import annotations

import os

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from . import paths
from .problems import CheckFailed


def check_before_build(app: Sphinx) -> None:
    from . import check
    from .runtime import VALIDATED_BY_BUILD

    problems = check.run_checks(complete_book=not app.config.reviewkit_partial_build)
    if problems:
        raise ExtensionError("the book's sources have problems; nothing was built.\n" + CheckFailed(problems).report())
    os.environ[VALIDATED_BY_BUILD] = str(paths.root())  # the kernels need not validate the package again
