"""The translations' rules (`make check`): every catalogue readable, for a chapter the book has, in a language
the book has; every translated message keeps its English's roles and numbers (reviewkit.i18n.parity).

Problems fail the check. What only lags (an English paragraph changed since its translation, or a new one not
translated yet) is a warning: the page says so to its readers (reviewkit.i18n.catalogues), the build goes on.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

from reviewkit.i18n import catalogues, generated, languages, parity
from reviewkit.model import paths
from reviewkit.model.problems import Problem

REFRESH_FIX = "run `reviewkit translations` to refresh the catalogues from the English chapters"


def _chapters(root: Path | None = None) -> set[str]:
    from reviewkit.model import toc

    # As Sphinx reads an entry (a suffix, ./ or ..): a malformed entry is the toc check's one problem, not also here.
    return {posixpath.normpath(entry).removesuffix(".md") for entry in toc.toc_files(root)}


def _line_of(lines: list[str], msgid: str, prefix: str = "") -> int | None:
    """The line of ``msgid`` among a catalogue's ``lines`` (Babel keeps the entry's line only for its
    locations); ``prefix`` "#~ " for an obsolete entry."""
    quoted = prefix + 'msgid "' + msgid.replace("\\", "\\\\").replace('"', '\\"')
    # The whole line first: a short msgid ("Outlook") begins a longer one's line too.
    for candidates in ([quoted + '"'], None):
        for number, line in enumerate(lines, start=1):
            if (line in candidates) if candidates else line.startswith(quoted):
                return number
    return None


def _english_of(docname: str) -> str:
    return "the toolkit (reviewkit/, data/datapackage.json)" if docname == generated.DOMAIN else f"{docname}.md"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def check_language_folders(root: Path | None = None) -> list[Problem]:
    problems = []
    folder = languages.locale_dir(root)
    if not folder.is_dir():
        return problems
    for child in sorted(folder.iterdir()):
        if child.name.startswith(".") or child.name in languages.TRANSLATIONS:
            continue
        try:
            known = languages.edition(child.name).code
            fix = f"rename the folder to {languages.LOCALE_DIR}/{known} (the book's code for this edition)"
        except languages.UnknownLanguage as error:
            fix = str(error).split(": ", 1)[1]
        problems.append(Problem(paths.relative(child), None, "language",
                                f"{child.name!r} is not a language code of the book's editions", fix))
    return problems


def check_catalogues(root: Path | None = None, *, complete_book: bool = True) -> list[Problem]:
    """``complete_book=False`` (a copy reduced to a few chapters, in tests): catalogues of the chapters left out
    are not refused."""
    problems = check_language_folders(root)
    chapters = _chapters(root)
    for code in languages.TRANSLATIONS:
        for docname, path in catalogues.all_catalogues(code, root).items():
            where = paths.relative(path)
            if docname != generated.DOMAIN and docname not in chapters:
                if not complete_book:
                    continue
                problems.append(Problem(where, None, None, f"translates {docname}.md, which the book does not have",
                                        f"delete {where}, or rename it after the chapter it translates"))
                continue
            try:
                catalog = catalogues.read(path, code)
            except catalogues.CatalogueError as error:
                problems.append(Problem(where, error.line, error.field, str(error).split(": ", 1)[1],
                                        "fix the entry; every msgid and msgstr is one double-quoted line"))
                continue
            lines = _lines(path)
            for message in catalog:
                text = catalogues.text_of(message)
                if not message.id or not text or message.fuzzy:
                    continue
                for mismatch in parity.compare(message.id, text):
                    problems.append(Problem(where, _line_of(lines, message.id), mismatch.field,
                                            f"{mismatch.message} (English: {_english_of(docname)}, \"{message.id[:60]}…\")",
                                            mismatch.fix))
            for message in catalog.obsolete.values():
                if catalogues.text_of(message):
                    problems.append(Problem(where, _line_of(lines, message.id, "#~ "), "msgstr",
                                            f"translates a message {_english_of(docname)} no longer has: \"{message.id[:60]}…\"",
                                            "move the translation to the paragraph that replaced it, then delete the "
                                            "#~ entry"))
    return problems


@dataclass(frozen=True)
class Lag:
    catalogue: str
    line: int | None
    english: str
    untranslated: bool
    chinese_changed: bool = False  # the reverse: the translation changed, its English may no longer match it

    def __str__(self) -> str:
        where = self.catalogue if self.line is None else f"{self.catalogue}:{self.line}"
        if self.chinese_changed:
            return (f"{where}: the translation of \"{self.english[:70]}…\" changed since its English was last "
                    "checked against it: check that the English still says the same (change it if not), then run "
                    "`make translations` to record the check")
        what = "is not translated yet" if self.untranslated else "changed since it was translated (fuzzy)"
        return f"{where}: the English paragraph \"{self.english[:70]}…\" {what}"


def lags(root: Path | None = None) -> list[Lag]:
    """Messages whose translation lags its English, or whose English may lag its translation (a translation
    edited since the English was last checked against it): warnings, never problems."""
    found = []
    for code in languages.TRANSLATIONS:
        for path in catalogues.all_catalogues(code, root).values():
            try:
                catalog = catalogues.read(path, code)
            except catalogues.CatalogueError:
                continue  # reported by check_catalogues
            lines = _lines(path)
            for message in catalog:
                untranslated = not catalogues.text_of(message)
                if message.id and (message.fuzzy or untranslated):
                    found.append(Lag(paths.relative(path), _line_of(lines, message.id), message.id,
                                     untranslated=untranslated))
                elif message.id and catalogues.translation_changed(message):
                    found.append(Lag(paths.relative(path), _line_of(lines, message.id), message.id,
                                     untranslated=False, chinese_changed=True))
    return found
