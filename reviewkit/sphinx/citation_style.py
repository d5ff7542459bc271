"""How a citation reads in the text: sphinxcontrib-bibtex's author_year style, with a letter after the year where
two works would read alike ("Authors not read, 2025a" and "Authors not read, 2025b"), as author-year styles do.

Letters go to the works of one label in the order of references.bib, so they stay put as entries are added after
them. The label a work would have is the one the style itself renders (its author or editor or title, then its
year), from references.bib as pybtex reads it for sphinxcontrib-bibtex; every page that cites depends on that file
(reviewkit.sphinx.citations), so an entry that gives another work a letter rewrites the pages that cite it.

Registered with sphinxcontrib-bibtex's public plugin store as ``author_year_letters``; _config.yml selects it
(``bibtex_reference_style``). The styles below are upstream's author-year styles with ``year_with_letter`` where
they show ``year``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from string import ascii_lowercase

from pybtex.database.input.bibtex import Parser
from pybtex.richtext import Text
from pybtex.style.template import node
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
    BasicAuthorYearParentheticalReferenceStyle,
    BasicAuthorYearTextualReferenceStyle,
)
from sphinxcontrib.bibtex.style.referencing.extra_year import ExtraYearReferenceStyle
from sphinxcontrib.bibtex.style.template import join, join2, post_text, pre_text, reference, year

from reviewkit.model import paths

NAME = "author_year_letters"


def letter(index: int) -> str:
    """The letter of the ``index``-th work (from 0) of one label: a to z, then aa, ab, … so none repeats."""
    text, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, len(ascii_lowercase))
        text = ascii_lowercase[rest] + text
    return text


@cache
def letters_of(text: str) -> dict[str, str]:
    """Key -> its letter, for each entry of a bibliography text whose label another entry shares."""
    style = AuthorYearLettersReferenceStyle()
    label = join(sep=style.author_year_sep)[style.person.author_or_editor_or_title(full=False), year]
    entries = Parser().parse_string(text).entries
    labels = {key: str(label.format_data({"entry": entry, "style": style}))  # its plain text
              for key, entry in entries.items()}
    keys_of: dict[str, list[str]] = {}
    for key, shown in labels.items():
        keys_of.setdefault(shown, []).append(key)
    return {key: letter(index) for keys in keys_of.values() if len(keys) > 1
            for index, key in enumerate(keys)}


def letters() -> dict[str, str]:
    return letters_of(paths.bibliography_path().read_text(encoding="utf-8-sig"))


@node
def year_with_letter(children, data) -> Text:
    assert not children
    return Text(year.format_data(data), letters().get(data["entry"].key, ""))


@dataclass
class _Parenthetical(BasicAuthorYearParentheticalReferenceStyle):
    def inner(self, role_name: str):
        return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
            pre_text,
            reference[join(sep=self.author_year_sep)[
                self.person.author_or_editor_or_title(full="s" in role_name), year_with_letter]],
            post_text,
        ]


@dataclass
class _Textual(BasicAuthorYearTextualReferenceStyle):
    def inner(self, role_name: str):
        return join(sep=self.text_reference_sep)[
            self.person.author_or_editor_or_title(full="s" in role_name),
            join[self.bracket.left,
                 join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[pre_text, reference[year_with_letter],
                                                                         post_text],
                 self.bracket.right],
        ]


@dataclass
class _Year(ExtraYearReferenceStyle):
    def inner(self, role_name: str):
        return reference[year_with_letter]


LETTERED = {BasicAuthorYearParentheticalReferenceStyle: _Parenthetical,
            BasicAuthorYearTextualReferenceStyle: _Textual, ExtraYearReferenceStyle: _Year}


@dataclass
class AuthorYearLettersReferenceStyle(AuthorYearReferenceStyle):
    def __post_init__(self):
        super().__post_init__()
        # Each upstream style that shows the year, swapped for its lettered twin with the same settings, in the
        # group's list and in its map from role to style.
        twin = {id(style): LETTERED[type(style)](**vars(style)) for style in self.styles if type(style) in LETTERED}
        self.styles[:] = [twin.get(id(style), style) for style in self.styles]
        self.role_style.update({role: twin[id(style)] for role, style in self.role_style.items() if id(style) in twin})


def setup(app) -> dict:
    register_plugin("sphinxcontrib.bibtex.style.referencing", NAME, AuthorYearLettersReferenceStyle, force=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
