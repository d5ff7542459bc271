"""The text the toolkit writes itself (labels of boxes and badges, the edition banner, vocabulary words), in the
edition's language: one catalogue, locales/<language>/LC_MESSAGES/reviewkit.po, the toolkit's gettext domain.

Code marks such text with ``_("...")`` where it is written, or ``N_("...")`` where it is defined once (a module
constant) and translated where it is shown with ``_(constant)``. `make translations` extracts both with Babel.
A build of a translated edition installs its catalogue (`use`); everywhere else, and for a message the catalogue
lacks, the English stands.
"""

from __future__ import annotations

import gettext
from pathlib import Path

DOMAIN = "reviewkit"
KEYWORDS = {"_": None, "N_": None}
_translation: gettext.NullTranslations = gettext.NullTranslations()


def use(locale_dir: Path | None, code: str | None) -> None:
    """Translate with the compiled catalogue of ``code`` in ``locale_dir`` (None: English)."""
    global _translation
    if locale_dir is None or code is None:
        _translation = gettext.NullTranslations()
        return
    _translation = gettext.translation(DOMAIN, str(locale_dir), [code], fallback=True)


def _(message: str) -> str:
    return _translation.gettext(message) if message else message


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name for a marked, untranslated message
    return message
