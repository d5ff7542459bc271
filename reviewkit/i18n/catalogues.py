"""The translation catalogues: one `.po` file per chapter, as Sphinx's gettext workflow lays them out
(locales/<language>/LC_MESSAGES/chapters/<chapter>.po, `gettext_compact = False`), read and written with Babel.

- `update` merges the messages Sphinx extracted from the English chapters (`reviewkit translations`): a new
  paragraph comes in untranslated, a changed one keeps its old translation marked *fuzzy* (out of date, with
  the English it was made from as `#| msgid`), a deleted one becomes obsolete (`#~`).
- `compile_for_build` writes the `.mo` files the Chinese build reads, in the build's own folder (authors'
  files are never touched by a build): translated messages as they are; an out-of-date one with a notice
  that the English changed. (A paragraph with no translation of its current English is shown in English by the
  build, with a notice: reviewkit.sphinx.language.)
"""

from __future__ import annotations

import difflib
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, unescape, write_po

from reviewkit.i18n import generated, languages
from reviewkit.model import paths

# Sphinx writes a template's locations relative to its output folder; catalogues keep them relative to the root.
_LOCATION_PREFIX = re.compile(r"^(\.\./)+")
# A glue role without a document (`{glue:text}`key``): the build points it at the chapter itself (see below).
_LOCAL_GLUE = re.compile(r"\{(glue:text)\}`(?![^`]*::)([^`]+)`")
LAG_ROLE = "translation-lag"


TOOLKIT_HEADER = ("# Chinese translation of the toolkit's own text: labels, badges, column titles and vocabulary (from\n"
                  "# reviewkit/ and data/datapackage.json). Edit msgstr only; `reviewkit translations` refreshes msgid.\n"
                  "# Keep every {placeholder} and every number of the English.")
PROJECT = "BsAb-armed T/NK cells for solid tumours: a living review"
HEADER = ("# Chinese translation of {docname}.md. Edit msgstr only; `reviewkit translations` refreshes msgid from the\n"
          "# English. Keep every role ({{glue:text}}`...`, {{cite}}`...`, {{ref}}`...`) and every number of the English.")


class CatalogueError(ValueError):
    """A catalogue that is no well-formed gettext file: names the file and the line of the entry."""

    def __init__(self, message: str, line: int | None = None, field: str | None = None):
        super().__init__(message)
        self.line, self.field = line, field


# Every line of a catalogue as gettext writes it: a comment, a keyword and one quoted string, or a quoted string
# alone (a continuation). Babel reads an unclosed quote or an unquoted msgstr without a word (as a shorter or
# empty translation), so each line is held to this first.
_PO_LINE = re.compile(r'\s*(?:#.*|(?:(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*)?')
_KEYWORD = re.compile(r"\s*(msgctxt|msgid_plural|msgid|msgstr)\b")


def catalogue_path(docname: str, code: str, root: Path | None = None) -> Path:
    return languages.catalogue_dir(code, root) / f"{docname}.po"


def docname_of(path: Path, code: str, root: Path | None = None) -> str:
    return path.relative_to(languages.catalogue_dir(code, root)).with_suffix("").as_posix()


def catalogues(code: str, root: Path | None = None) -> dict[str, Path]:
    """Every chapter catalogue of ``code``, by document name (``chapters/outlook``); not the toolkit's."""
    folder = languages.catalogue_dir(code, root)
    found = {docname_of(path, code, root): path for path in sorted(folder.rglob("*.po"))} if folder.is_dir() else {}
    found.pop(generated.DOMAIN, None)
    return found


def toolkit_catalogue(code: str, root: Path | None = None) -> Path:
    """The toolkit's own text (reviewkit.i18n.generated): labels, badges, column titles, vocabulary."""
    return languages.catalogue_dir(code, root) / f"{generated.DOMAIN}.po"


def all_catalogues(code: str, root: Path | None = None) -> dict[str, Path]:
    """Every catalogue of ``code``: the chapters' by document name, and the toolkit's as generated.DOMAIN."""
    found = catalogues(code, root)
    if toolkit_catalogue(code, root).is_file():
        found[generated.DOMAIN] = toolkit_catalogue(code, root)
    return found


def text_of(message: Message) -> str:
    """A message's translation ("" when none); a plural entry's first form."""
    return message.string if isinstance(message.string, str) else (message.string or ("",))[0]


def write_if_changed(path: Path, data: bytes) -> None:
    """Sphinx reads a page again when a file it depends on (its compiled catalogue) changes: write only a
    changed one."""
    if not path.is_file() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _write_mo(catalog: Catalog, target: Path) -> None:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    write_if_changed(target, buffer.getvalue())


def _in_step(target: Path, template: Catalog, code: str, header: str) -> Catalog:
    """The catalogue at ``target`` merged with ``template`` (see merge), or a new one holding its messages."""
    if target.exists():
        return merge(read(target, code), template)
    catalog = Catalog(locale=code, project=PROJECT, fuzzy=False, header_comment=header, msgid_bugs_address="",
                      copyright_holder="The living-review contributors")
    for message in template:
        if message.id:
            catalog[message.id] = Message(message.id, "", locations=message.locations)
    return catalog


def update_toolkit(code: str, root: Path | None = None, moved: dict[str, str] | None = None) -> Path:
    """Merge the toolkit's messages (extracted from its code and the data package) into its catalogue;
    ``moved`` gives translations of messages that came from a chapter's catalogue."""
    template = Catalog(locale=code, project=PROJECT, fuzzy=False)
    for message, locations in sorted(generated.toolkit_messages().items()):
        template[message] = Message(message, "", locations=locations[:3])
    target = toolkit_catalogue(code, root)
    catalog = _in_step(target, template, code, TOOLKIT_HEADER)
    for message in catalog:
        if message.id and not message.string and message.id in (moved or {}):
            message.string = moved[message.id]
    catalog.fuzzy = False
    record_checked(catalog)
    write(catalog, target)
    return target


def compile_toolkit(code: str, out_dir: Path, root: Path | None = None) -> Path | None:
    """<out_dir>/<code>/LC_MESSAGES/reviewkit.mo from the toolkit's catalogue: translated messages only (an
    out-of-date one is left out, so its English shows); written only when it changed."""
    source = toolkit_catalogue(code, root)
    if not source.is_file():
        return None
    catalog = read(source, code)
    compiled = Catalog(locale=code, fuzzy=False)
    for message in catalog:
        if message.id and message.string and not message.fuzzy:
            compiled[message.id] = Message(message.id, message.string)
    target = out_dir / code / "LC_MESSAGES" / f"{generated.DOMAIN}.mo"
    _write_mo(compiled, target)
    return target


def read(path: Path, code: str | None = None) -> Catalog:
    data = path.read_bytes()
    for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
        if not _PO_LINE.fullmatch(line):
            keyword = _KEYWORD.match(line)
            raise CatalogueError(f"{paths.relative(path)}: line {number} is no gettext entry line: {line[:80]!r}. "
                                 "Write each msgid and msgstr as its keyword and one double-quoted string, with "
                                 "every quote inside escaped as \\\"", number, keyword and keyword.group(1))
    try:
        catalog = read_po(io.BytesIO(data), locale=code, abort_invalid=True)
    except Exception as error:  # Babel raises PoFileError with the line; anything else is as bad
        line = getattr(error, "lineno", None)
        raise CatalogueError(f"{paths.relative(path)}: not a readable gettext catalogue ({error}). Fix the "
                             "entry it names (every msgid/msgstr quoted on one line, quotes inside escaped as \\\")",
                             None if line is None else line + 1) from error
    _restore_previous(catalog)
    return catalog


# The reverse of fuzzy: a translator's comment on each translated entry records its translation as it was when
# its English was last checked against it (`make translations` writes it). A translation edited since then is
# flagged by `make check`: its English may need the same change.
CHECKED = "english-checked:"


def translation_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _recorded(message: Message) -> str | None:
    for comment in message.user_comments:
        if comment.startswith(CHECKED):
            return comment.removeprefix(CHECKED).strip()
    return None


def translation_changed(message: Message) -> bool:
    """A translated entry whose translation differs from the one its English was last checked against."""
    text = text_of(message)
    recorded = _recorded(message)
    return bool(text) and not message.fuzzy and recorded is not None and recorded != translation_digest(text)


def record_checked(catalog: Catalog) -> None:
    """Record every translated, up-to-date entry as checked against its English (see CHECKED)."""
    for message in catalog:
        text = text_of(message)
        if not message.id or not text or message.fuzzy:
            continue
        message.user_comments = [c for c in message.user_comments if not c.startswith(CHECKED)]
        message.user_comments.append(f"{CHECKED} {translation_digest(text)}")


def _restore_previous(catalog: Catalog) -> None:
    """Babel writes the English a fuzzy translation was made from as `#| msgid "…"` (wrapped like a comment) but
    reads it back as a translator's comment: restore it, so that a catalogue read and written again keeps it
    as it was (and a second `reviewkit translations` changes nothing)."""
    for message in catalog:
        previous = [comment[1:].strip() for comment in message.user_comments if comment.startswith("|")]
        if not previous or not previous[0].startswith('msgid "'):
            continue
        message.user_comments = [comment for comment in message.user_comments if not comment.startswith("|")]
        message.previous_id = [unescape(" ".join(previous).removeprefix("msgid "))]


_CREATION_DATE = re.compile(rb'^"POT-Creation-Date: .*\n', re.M)


def write(catalog: Catalog, path: Path) -> bool:
    """Write ``catalog`` unless only its creation date would change (no churn in git); True if written."""
    buffer = io.BytesIO()
    # One line per message (width 0): a changed paragraph is one changed line in a diff.
    write_po(buffer, catalog, width=0, omit_header=False, sort_output=False, include_previous=True)
    data = buffer.getvalue()
    if path.is_file() and _CREATION_DATE.sub(b"", path.read_bytes()) == _CREATION_DATE.sub(b"", data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _relative_locations(catalog: Catalog) -> None:
    for message in catalog:
        message.locations = [(_LOCATION_PREFIX.sub("", file), line) for file, line in message.locations]


# How alike an English message must be to one that disappeared to inherit its translation (as fuzzy).
SIMILAR = 0.6


def merge(catalog: Catalog, template: Catalog) -> Catalog:
    """``catalog`` brought in step with ``template``. Unlike a plain Babel update, only a message that
    *replaced* one (its old English gone from the template) inherits that one's translation, marked fuzzy with
    the English it was made from: a new message that merely resembles a message still there starts untranslated."""
    previous = {message.id: message.previous_id for message in catalog if message.previous_id}
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    for message in catalog:  # an entry still fuzzy from an earlier merge keeps the English it was made from
        if message.fuzzy and not message.previous_id and message.id in previous:
            message.previous_id = previous[message.id]
    gone = {key: message for key, message in catalog.obsolete.items() if message.string}
    for message in catalog:
        if not message.id or message.string or not gone:
            continue
        match = difflib.get_close_matches(message.id, list(gone), n=1, cutoff=SIMILAR)
        if match:
            old = gone.pop(match[0])
            del catalog.obsolete[match[0]]
            message.string = old.string
            message.flags.add("fuzzy")
            message.previous_id = [old.id]
    return catalog


def update(template_dir: Path, code: str, root: Path | None = None) -> dict[str, Path]:
    """Merge every template (<template_dir>/<docname>.pot) into the catalogue of ``code``, then the toolkit's
    messages into its own; returns the catalogues written. A message that moved from a chapter's catalogue to the
    toolkit's (a label the toolkit now writes itself) takes its translation along instead of becoming obsolete."""
    written = {}
    moved: dict[str, str] = {}
    toolkit = generated.toolkit_messages()
    for template_path in sorted(template_dir.rglob("*.pot")):
        docname = template_path.relative_to(template_dir).with_suffix("").as_posix()
        if docname == "sphinx":  # the theme's own strings: the theme ships their translations
            continue
        template = read(template_path)
        _relative_locations(template)
        target = catalogue_path(docname, code, root)
        catalog = _in_step(target, template, code, HEADER.format(docname=docname))
        for key, message in list(catalog.obsolete.items()):
            if message.id in toolkit:
                if message.string and not message.fuzzy:
                    moved.setdefault(message.id, message.string)
                del catalog.obsolete[key]
        catalog.fuzzy = False
        record_checked(catalog)
        write(catalog, target)
        written[docname] = target
    written[generated.DOMAIN] = update_toolkit(code, root, moved)
    return written


@dataclass(frozen=True)
class Compiled:
    docname: str
    translated: int
    lagging: list[str]  # msgids whose translation was made from an older English
    untranslated: list[str]


def _own_glue(text: str, docname: str) -> str:
    """Point a local glue role at the chapter itself (`{glue:text}`outlook.md::key``): Sphinx parses a
    translated message as a document of its own, which has no glue data, while a reference to a document is
    resolved from the glue myst-nb saved for it (the same values the English page shows).
    Only `glue:text` is rewritten: the chapters glue nothing else inside a paragraph."""
    own = Path(docname).name + ".md"
    # myst-nb reads `doc::key:format` from the right, so the format is always written (`s`, its default).
    return _LOCAL_GLUE.sub(lambda m: f"{{{m.group(1)}}}`{own}::{m.group(2)}{'' if ':' in m.group(2) else ':s'}`",
                           text)


def _is_block(msgid: str) -> bool:
    """Headings, table cells and captions take no notice; paragraphs do."""
    return len(msgid) > 80 or msgid.rstrip().endswith((".", ":", ")"))


def compile_for_build(code: str, out_dir: Path, english_updated: dict[str, str], root: Path | None = None
                      ) -> list[Compiled]:
    """Write <out_dir>/<code>/LC_MESSAGES/<docname>.mo for every catalogue, each only when it changed;
    ``english_updated`` gives each chapter's date of last change (shown in the notice of a lagging paragraph)."""
    results = []
    for docname, path in catalogues(code, root).items():
        catalog = read(path, code)
        compiled = Catalog(locale=code, fuzzy=False)
        lagging, untranslated, translated = [], [], 0
        date = english_updated.get(docname, "")
        for message in catalog:
            if not message.id:
                continue
            text = text_of(message)
            if not text:  # the build shows the English, saying so (reviewkit.sphinx.language.UntranslatedNotice)
                untranslated.append(message.id)
                continue
            if message.fuzzy:
                lagging.append(message.id)
                if _is_block(message.id):
                    text = f"{text} {{{LAG_ROLE}}}`{date}`"
            else:
                translated += 1
            compiled[message.id] = Message(message.id, _own_glue(text, docname))
        _write_mo(compiled, out_dir / code / "LC_MESSAGES" / f"{docname}.mo")
        results.append(Compiled(docname, translated, lagging, untranslated))
    return results
