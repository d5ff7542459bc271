"""The text the toolkit writes itself (labels of boxes and badges, the edition banner, vocabulary words), in the
edition's language: one catalogue, locales/<language>/LC_MESSAGES/reviewkit.po, the toolkit's gettext domain.

Code marks such text with ``_("...")`` where it is written, or ``N_("...")`` where it is defined once (a module
constant) and translated where it is shown with ``translated(constant)``. `make translations` extracts the literal
strings of ``_`` and ``N_`` with Babel (``translated`` is no keyword: its argument is a value, not a message).
A build of a translated edition installs its catalogue (`use`); everywhere else, and for a message the catalogue
lacks, the English stands.
"""

from __future__ import annotations

import gettext
from pathlib import Path

from reviewkit.model.messages import N_  # noqa: F401 - the one mark, for every part's constants

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


def translated(value: str) -> str:
    """A message held in a variable (a constant marked with N_, a title from the data package)."""
    return _translation.gettext(value) if value else value


def toolkit_messages() -> dict[str, list[tuple[str, int]]]:
    """Every message of the toolkit's domain, with where it is written: the strings the code marks with ``_`` or
    ``N_`` (extracted by Babel), and the data package's column titles and descriptions (data/datapackage.json),
    which tables and the Data page show."""
    global _messages
    if _messages is None:
        from babel.messages.extract import extract_from_dir

        from reviewkit.model import paths, schema

        found: dict[str, list[tuple[str, int]]] = {}
        package = paths.PACKAGE_DIR
        for filename, line, message, _comments, _context in extract_from_dir(
                str(package), method_map=[("**.py", "python")], keywords=KEYWORDS):
            if isinstance(message, str) and message:
                found.setdefault(message, []).append((f"reviewkit/{filename}", line))
        found.update({text: [(where, 0)] for text, where in _book_texts(paths.root()).items() if text not in found})
        descriptor = paths.relative(paths.datapackage_path())
        for resource in schema.resources():
            if resource.get("title"):
                found.setdefault(resource["title"], []).append((descriptor, 0))
            for field in resource["schema"]["fields"]:
                for key in ("title", "description"):
                    if field.get(key):
                        found.setdefault(field[key], []).append((descriptor, 0))
        _messages = found
    return _messages


_messages: dict[str, list[tuple[str, int]]] | None = None


def _book_texts(root: Path) -> dict[str, str]:
    """The book's title (_config.yml) and the captions of its table of contents (_toc.yml)."""
    from reviewkit.model import inputs

    texts = {}
    config = inputs.load_yaml(root / "_config.yml") or {}
    if config.get("title"):
        texts[config["title"]] = "_config.yml"
    for part in (inputs.load_yaml(root / "_toc.yml") or {}).get("parts", []) or []:
        if isinstance(part, dict) and part.get("caption"):
            texts[part["caption"]] = "_toc.yml"
    return texts
