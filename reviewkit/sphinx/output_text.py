"""The text inside kernel outputs (table headers and cells, captions, badges, chart titles and legends) in a
translated edition: in kernel HTML (charts, boxes) and in the tables kernels print (reviewkit.sphinx.data_table,
whose nodes Sphinx's own extraction skips: their text is the data's, and translated here by the same rule).
Chapters execute once, in English; their outputs are the same for every edition, and the text in them is
translated when a translated edition reads them, from the catalogues:

- `make translations` (Sphinx's gettext builder) adds each output text of a chapter to the chapter's catalogue,
  beside its paragraphs, unless the toolkit's own catalogue (reviewkit.i18n.generated) already has it;
- a translated build replaces each text node of an output, and each title and legend of a chart, whose whole text
  has a translation: the toolkit's catalogue first, then the chapter's. Numbers are never touched: a text that is
  only a number, a date or an identifier is no message, and a translation keeps its English's numbers (make check).
"""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup, NavigableString
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.gettext import MsgOrigin
from sphinx.locale import init as init_catalogue
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain

from reviewkit.book.chart_markup import SPEC_CLASS, json_for_html
from reviewkit.i18n import catalogues, generated, languages
from reviewkit.sphinx import data_table

# A message has a word in it: numbers, dates, ids and punctuation alone are data, the same in every edition.
_WORDS = re.compile(r"[A-Za-z]{2,}")
# An output text with a number in it changes whenever its data does ("Records screened: 22"): as a message it
# would lag at every new record. It stays in English; an output that wants it translated writes the label in an
# element of its own, apart from the number (as tables do for "added 2026-06-22").
_DIGIT = re.compile(r"\d")
_LOWER = re.compile(r"[a-z]")
_SPACE = re.compile(r"\s+")
_SKIPPED_TAGS = {"script", "style", "code", "pre"}
# Strings of a Vega-Lite spec that readers see as text, besides the values its legends show.
_SPEC_TEXT_KEYS = {"title", "description", "text"}
_LEGEND_CHANNELS = ("color", "shape", "strokeDash")


def _message(text: str) -> str | None:
    text = _SPACE.sub(" ", text).strip()
    # An abbreviation or a name in capitals (HER2, ALL) reads the same in every edition.
    if not _WORDS.search(text) or _DIGIT.search(text) or not _LOWER.search(text) or len(text) > 400:
        return None
    return text


def _is_output(node: nodes.raw) -> bool:
    return node.get("format") == "html" and "output" in node.get("classes", [])


def _spec_strings(spec, replace=None) -> list[str]:
    """Every reader-visible string of a Vega-Lite spec; with ``replace``, rewrite them in place."""
    found = []

    def visit(value, key=None):
        if isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, str) and k in _SPEC_TEXT_KEYS:
                    found.append(v)
                    if replace:
                        value[k] = replace(v)
                else:
                    visit(v, k)
        elif isinstance(value, list):
            for item in value:
                visit(item, key)

    visit(spec)
    legend_fields = set()

    def fields(value):
        if isinstance(value, dict):
            encoding = value.get("encoding")
            if isinstance(encoding, dict):
                for channel in _LEGEND_CHANNELS:
                    field = (encoding.get(channel) or {}).get("field") if isinstance(encoding.get(channel), dict) else None
                    if field:
                        legend_fields.add(field)
            for v in value.values():
                fields(v)
        elif isinstance(value, list):
            for item in value:
                fields(item)

    fields(spec)

    def rows(value):
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "values" and isinstance(v, list):
                    for row in v:
                        if isinstance(row, dict):
                            for field in legend_fields & set(row):
                                if isinstance(row[field], str):
                                    found.append(row[field])
                                    if replace:
                                        row[field] = replace(row[field])
                elif k == "datasets" and isinstance(v, dict):
                    rows({"values": [r for rows_ in v.values() for r in rows_]})
                else:
                    rows(v)
        elif isinstance(value, list):
            for item in value:
                rows(item)

    rows(spec)
    return found


def _swap(text: str, translate) -> str:
    """``text`` with its message translated, if ``translate`` knows it (the whitespace around it kept)."""
    message = _message(text)
    if not message:
        return text
    translated = translate(message)
    if translated == message:
        return text
    return text[: len(text) - len(text.lstrip())] + translated + text[len(text.rstrip()):]


def output_messages(markup: str) -> list[str]:
    """The messages of one kernel output: its text nodes and its charts' reader-visible strings."""
    soup = BeautifulSoup(markup, "html.parser")
    found = []
    for text in soup.find_all(string=True):
        if isinstance(text, NavigableString) and text.parent.name not in _SKIPPED_TAGS:
            message = _message(str(text))
            if message:
                found.append(message)
    for tag in soup.find_all(attrs={"aria-label": True}):
        message = _message(tag["aria-label"])
        if message:
            found.append(message)
    for script in soup.find_all("script", class_=SPEC_CLASS):
        found += [m for m in (_message(s) for s in _spec_strings(json.loads(script.string or "{}"))) if m]
    return found


def translate_output(markup: str, translate) -> str:
    """``markup`` with every message that ``translate`` knows replaced (whitespace around a text node kept)."""
    soup = BeautifulSoup(markup, "html.parser")
    changed = False

    def swap(text: str) -> str:
        return _swap(text, translate)

    for text in soup.find_all(string=True):
        if isinstance(text, NavigableString) and text.parent.name not in _SKIPPED_TAGS:
            new = swap(str(text))
            if new != str(text):
                text.replace_with(new)
                changed = True
    for tag in soup.find_all(attrs={"aria-label": True}):
        new = swap(tag["aria-label"])
        if new != tag["aria-label"]:
            tag["aria-label"] = new
            changed = True
    for script in soup.find_all("script", class_=SPEC_CLASS):
        spec = json.loads(script.string or "{}")
        before = json.dumps(spec, sort_keys=True)
        _spec_strings(spec, replace=swap)
        if json.dumps(spec, sort_keys=True) != before:
            script.string = json_for_html(spec)
            changed = True
    return str(soup) if changed else markup


def table_messages(table: nodes.Element) -> list[str]:
    """The messages of one table a kernel printed: each text node, and the name of its scroll region."""
    texts = [str(text) for text in table.findall(nodes.Text)]
    texts += [region["label"] for region in table.findall(data_table.table_region)]
    return [message for message in map(_message, texts) if message]


def translate_table(table: nodes.Element, translate) -> None:
    """``table`` with every text node (and its region's name) whose whole text ``translate`` knows replaced."""
    for text in list(table.findall(nodes.Text)):
        new = _swap(str(text), translate)
        if new != str(text):
            text.parent.replace(text, nodes.Text(new))
    for region in table.findall(data_table.table_region):
        region["label"] = _swap(region["label"], translate)


class TranslateOutputs(SphinxTransform):
    """In a translated edition, kernel outputs read in the edition's language (see the module's docstring)."""

    default_priority = 22  # after Locale (20) and the untranslated-paragraph notices (21)

    def apply(self, **kwargs) -> None:
        code = self.config.language or languages.SOURCE
        if code == languages.SOURCE:
            return
        chapter, _ = init_catalogue(self.config.locale_dirs, code, docname_to_domain(self.env.docname, False))

        def translate(message: str) -> str:
            toolkit = generated.translated(message)
            if toolkit != message:
                return toolkit
            translated = chapter.gettext(message)
            # A translation made from an older English carries its notice for paragraphs: an output keeps English.
            return message if f"{{{catalogues.LAG_ROLE}}}" in translated else translated

        for table in data_table.figures(self.document):
            translate_table(table, translate)
        for node in list(self.document.findall(nodes.raw)):
            if _is_output(node):
                markup = translate_output(node.astext(), translate)
                if markup != node.astext():
                    node.replace_self(nodes.raw(markup, markup, format="html", classes=node["classes"]))


def _collect(app: Sphinx, doctree, docname: str) -> None:
    """For the gettext builder (`make translations`): each output text joins its chapter's catalogue."""
    if app.builder.name != "gettext":
        return
    catalog = app.builder.catalogs[docname_to_domain(docname, app.config.gettext_compact)]
    toolkit = generated.toolkit_messages()
    source = app.env.doc2path(docname)
    # The doctree as read: by the time it is resolved, reviewkit.sphinx.security has rewritten the outputs.
    read = app.env.get_doctree(docname)
    found = [(node, output_messages(node.astext())) for node in read.findall(nodes.raw) if _is_output(node)]
    found += [(table, table_messages(table)) for table in data_table.figures(read)]
    for node, messages in found:
        for message in messages:
            if message not in toolkit:
                catalog.add(message, MsgOrigin(str(source), node.line or 0))


def setup(app: Sphinx) -> dict:
    app.add_transform(TranslateOutputs)
    app.connect("doctree-resolved", _collect)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
