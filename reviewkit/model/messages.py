"""``N_``: the mark of a message defined once as a constant (a vocabulary word) and translated where it is shown.

It lives here, below every part, so that the vocabularies of ``model/`` can mark their words too; the toolkit's
gettext domain (reviewkit.i18n.generated) extracts the marked strings and translates them per edition.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name for a marked, untranslated message
    return message
