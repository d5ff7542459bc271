"""The book's editions: English, written first, and its translations.

One list: the build, the switcher, the hreflang links, the checks and `make serve LANG=` all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reviewkit.model import paths

SOURCE = "en"
# Where the catalogues live: locales/<code>/LC_MESSAGES/<chapter>.po (Sphinx's locale_dirs layout).
LOCALE_DIR = "locales"


@dataclass(frozen=True)
class Edition:
    code: str  # Sphinx's `language` and the catalogue folder
    html_lang: str  # <html lang>, hreflang (BCP 47)
    folder: str  # where the edition sits in the site ("" for the English at the root)
    name: str  # the edition's name in its own language, as the switcher shows it
    og_locale: str
    aliases: tuple[str, ...] = ()  # other codes authors may type for it


EDITIONS = {
    SOURCE: Edition(SOURCE, "en", "", "English", "en_GB"),
    # html_lang as Sphinx writes <html lang> for zh_CN, so the page, hreflang and JSON-LD say the same.
    "zh_CN": Edition("zh_CN", "zh-CN", "zh", "中文", "zh_CN", aliases=("zh-Hans", "zh_Hans")),
}
TRANSLATIONS = tuple(code for code in EDITIONS if code != SOURCE)


class UnknownLanguage(ValueError):
    pass


def edition(code: str) -> Edition:
    """The edition for a language code as authors type it (``zh``, ``zh_CN``, ``zh-Hans``, ``en``)."""
    wanted = code.strip().replace("-", "_").lower()
    for candidate in EDITIONS.values():
        if wanted in {candidate.code.lower(), candidate.folder.lower(), candidate.html_lang.replace("-", "_").lower(),
                      *(alias.replace("-", "_").lower() for alias in candidate.aliases)}:
            return candidate
    known = ", ".join(f"{e.folder or e.code} ({e.name})" for e in EDITIONS.values())
    raise UnknownLanguage(f"unknown language {code!r}: the book has the editions {known}. "
                          f"Use one of them, or add an edition to reviewkit/i18n/languages.py.EDITIONS first.")


def locale_dir(root: Path | None = None) -> Path:
    return (root or paths.root()) / LOCALE_DIR


def catalogue_dir(code: str, root: Path | None = None) -> Path:
    return locale_dir(root) / code / "LC_MESSAGES"
