"""Chapters as MyST's own parser reads them (markdown-it with MyST's plugins, as myst-parser builds it), with
directive bodies parsed in turn, so nested content is seen with its real line numbers and its containers.

Regexes over MyST miss fences of four backticks, nesting and raw HTML; this does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

# The syntax extensions the book enables (_config.yml parse.myst_enable_extensions).
EXTENSIONS = frozenset({"colon_fence", "deflist", "dollarmath", "substitution"})
# Directives whose body is not MyST (code, maths, other markup): their bodies are not parsed as MyST.
OPAQUE = {"code-cell", "code", "code-block", "sourcecode", "math", "raw", "eval-rst", "csv-table", "literalinclude",
          "highlight", "graphviz", "mermaid"}
DIRECTIVE = re.compile(r"^\{([^}\s]+)\}\s*(.*)$")
OPTION = re.compile(r"^:([\w-]+):\s*(.*)$")


@dataclass
class Directive:
    name: str
    argument: str
    options: dict[str, str]
    line: int  # 1-based line of the opening fence
    body: str
    body_line: int  # 1-based line where the body (after the options) starts
    parents: tuple["Directive", ...] = ()


@dataclass
class Element:
    """A token of interest: raw HTML, a link, an image, or a directive (kind 'directive')."""

    kind: str
    line: int
    value: str
    parents: tuple[Directive, ...] = ()
    directive: Directive | None = field(default=None, repr=False)


@cache
def _parser(extensions: frozenset[str]):
    return create_md_parser(MdParserConfig(enable_extensions=set(extensions)), RendererHTML)


def split_options(body: str) -> tuple[dict[str, str], int]:
    """A directive body's leading `:key: value` lines (or a `---` YAML block) and how many lines they use."""
    lines = body.split("\n")
    options, used = {}, 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            for line in lines[1:end]:
                key, _, value = line.partition(":")
                options[key.strip()] = value.strip()
            return options, end + 1
    for line in lines:
        match = OPTION.match(line)
        if not match:
            break
        options[match.group(1)] = match.group(2).strip()
        used += 1
    return options, used


def elements(text: str, first_line: int = 1, parents: tuple[Directive, ...] = (),
             extensions: frozenset[str] = EXTENSIONS) -> list[Element]:
    """Every raw HTML token, link, image and directive of ``text``, in order, nested bodies included. A whole
    chapter is parsed once per text (make check's rules and the build each ask for it); treat the result as
    read-only."""
    if not parents:
        return list(_document(text, first_line, extensions))
    return _elements(text, first_line, parents, extensions)


@lru_cache(maxsize=128)
def _document(text: str, first_line: int, extensions: frozenset[str]) -> tuple[Element, ...]:
    return tuple(_elements(text, first_line, (), extensions))


def _elements(text: str, first_line: int, parents: tuple[Directive, ...], extensions: frozenset[str]) -> list[Element]:
    found: list[Element] = []
    for token in _parser(extensions).parse(text):
        line = first_line + (token.map[0] if token.map else 0)
        if token.type == "html_block":
            found.append(Element("html", line, token.content, parents))
        elif token.type == "inline":
            for child in token.children or []:
                if child.type == "html_inline":
                    found.append(Element("html", line, child.content, parents))
                elif child.type == "link_open":
                    found.append(Element("link", line, str(child.attrs.get("href", "")), parents))
                elif child.type == "image":
                    found.append(Element("image", line, str(child.attrs.get("src", "")), parents))
        elif token.type in ("fence", "colon_fence") and (match := DIRECTIVE.match(token.info.strip())):
            options, used = split_options(token.content)
            body_lines = token.content.split("\n")[used:]
            directive = Directive(match.group(1), match.group(2), options, line, "\n".join(body_lines),
                                  line + 1 + used, parents)
            found.append(Element("directive", line, directive.name, parents, directive))
            if directive.name not in OPAQUE:
                found += _elements(directive.body, directive.body_line, (*parents, directive), extensions)
    return found


def code_cells(text: str) -> list[Directive]:
    """The {code-cell} directives of a chapter (bodies without their option lines)."""
    return [e.directive for e in elements(text) if e.kind == "directive" and e.value == "code-cell"]


# Directives nested deeper than this are refused by `make check`: Sphinx renders nested directives recursively,
# and a deep enough stack ends the build in a RecursionError (advising a conf.py the book does not have). No page
# of the book needs more than a few levels (a tab inside a tab set inside an admonition is three).
MAX_NESTING = 10


def nesting_problems(name: str, text: str) -> list:
    """The first directive of ``text`` nested deeper than MAX_NESTING, as one problem with its line."""
    from reviewkit.model.problems import Problem

    for element in elements(text):
        if element.kind == "directive" and len(element.parents) >= MAX_NESTING:
            outer = element.parents[0]
            return [Problem(name, element.line, element.value,
                            f"{{{element.value}}} is nested {len(element.parents) + 1} directives deep (in the "
                            f"{{{outer.name}}} of line {outer.line}); the build stops at deeply nested directives",
                            f"nest at most {MAX_NESTING} directives inside one another: close the fences sooner, "
                            "or split the content into sections")]
    return []
