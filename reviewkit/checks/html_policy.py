"""What a chapter may contain (checked by `make check`, before anything is built).

- **No raw HTML at all**, not even a comment: everything a chapter needs has a MyST form (admonitions,
  figures, tables, `%` comments), and raw HTML is the one way text becomes active content (scripts, event
  handlers, frames, remote loads) or hides a finding (`<div hidden>`, `<details>`).
- Links go to http(s), mailto or the site itself; images come from the repository, never another host.
- Directives that pass text through unchecked (`raw`, `eval-rst`, `include`) are not allowed.
- A `{source-check}` may not sit inside a hidden or conditional container (`{only}`, a dropdown or toggle,
  a tab, a class that hides): a finding is shown to every reader.

Raw HTML is found with MyST's own parser (reviewkit.model.mystdoc), so exactly what the build would pass through
is rejected; the message names what the HTML would do, read with an HTML parser.
"""

from __future__ import annotations

from functools import lru_cache

from bs4 import BeautifulSoup, Comment

from reviewkit.model import mystdoc, urls
from reviewkit.model.problems import Problem

FORBIDDEN_DIRECTIVES = {
    "raw": "passes HTML through unchecked",
    "eval-rst": "runs reStructuredText, which can include raw HTML",
    "include": "pulls in a file that is not checked as a chapter",
    "iframe": "embeds another site",
}
# Containers that are closed, hidden or shown only to some readers or formats.
CONCEALING_DIRECTIVES = {"only", "ifconfig", "dropdown", "toggle", "tab-item", "tab-set", "details", "hidden",
                         "card-carousel", "exercise", "solution"}
CONCEALING_CLASSES = {"dropdown", "toggle", "hidden", "d-none", "sd-d-none", "sr-only", "visually-hidden",
                      "tag_hide-cell", "tag_hide-input", "tag_hide-output", "tag_remove-cell", "hide", "collapse",
                      "collapsed", "toggle-hidden"}
SOURCE_CHECK = "source-check"
RAW_HTML_FIX = ("remove the HTML: chapters are MyST only (an admonition is :::{note} ... :::, a figure {figure}, "
                "a comment a line starting with %); see CONTRIBUTING.md, 'What a chapter may contain'")
DANGEROUS_TAGS = {"script": "runs code", "iframe": "embeds another page", "frame": "embeds another page",
                  "object": "embeds active content", "embed": "embeds active content", "style": "restyles the page",
                  "link": "loads a file", "meta": "can redirect the page", "base": "redirects every link",
                  "form": "sends reader input elsewhere", "details": "hides its content until opened",
                  "svg": "can carry scripts and links", "math": "can carry links"}


def describe_html(fragment: str) -> str:
    """What a raw HTML fragment would do, in a few words, read with an HTML parser."""
    soup = BeautifulSoup(fragment, "html.parser")
    notes = []
    for tag in soup.find_all(True):
        if tag.name in DANGEROUS_TAGS:
            notes.append(f"<{tag.name}> {DANGEROUS_TAGS[tag.name]}")
        for attribute, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if attribute.lower().startswith("on"):
                notes.append(f"the {attribute} handler runs code")
            elif attribute.lower() == "hidden" or "display" in value.replace(" ", "").lower() and "none" in value:
                notes.append(f"<{tag.name} {attribute}> hides content")
            elif attribute.lower() in {"href", "src", "action", "formaction", "data", "srcset", "poster",
                                       "xlink:href", "background"} and not urls.is_local(value):
                if urls.scheme(value) in {"javascript", "vbscript", "data"}:
                    notes.append(f"a {urls.scheme(value)}: URL runs or hides code")
                elif attribute.lower() != "href":
                    notes.append(f"<{tag.name} {attribute}> loads from another host")
    if not notes and soup.find_all(string=lambda s: isinstance(s, Comment)):
        notes.append("an HTML comment (use a line starting with % instead)")
    return "; ".join(dict.fromkeys(notes)) or "HTML markup"


def _concealing(directive: mystdoc.Directive) -> str | None:
    if directive.name in CONCEALING_DIRECTIVES:
        return f"{{{directive.name}}}"
    classes = set(directive.options.get("class", "").split()) | set(directive.options.get("class-container", "").split())
    hiding = sorted(classes & CONCEALING_CLASSES)
    if hiding:
        return f"{{{directive.name}}} with class '{hiding[0]}'"
    return None


def element_problems(name: str, element: mystdoc.Element) -> list[Problem]:
    line = element.line
    if element.kind == "html":
        snippet = " ".join(element.value.split())[:60]
        return [Problem(name, line, None, f"raw HTML is not allowed in chapters ({describe_html(element.value)}): "
                        f"{snippet!r}", RAW_HTML_FIX)]
    if element.kind == "link" and not urls.is_safe_link(element.value):
        return [Problem(name, line, None, f"link to {element.value[:60]!r}: only http(s), mailto and pages of the "
                        "book may be linked", "link to an https:// address or to a page of the book")]
    if element.kind == "image" and not urls.is_local(element.value):
        return [Problem(name, line, None, f"image {element.value[:60]!r} is loaded from another host",
                        "save the image in the repository (e.g. assets/) and refer to it by its path")]
    if element.kind != "directive":
        return []
    directive = element.directive
    problems = []
    if directive.name in FORBIDDEN_DIRECTIVES:
        problems.append(Problem(name, line, directive.name, f"the {{{directive.name}}} directive "
                                f"{FORBIDDEN_DIRECTIVES[directive.name]}", RAW_HTML_FIX))
    if directive.name in {"image", "figure"} and not urls.is_local(directive.argument):
        problems.append(Problem(name, line, directive.name, f"image {directive.argument[:60]!r} is loaded from "
                                "another host", "save the image in the repository and refer to it by its path"))
    target = directive.options.get("target")
    if target and not urls.is_safe_link(target):
        problems.append(Problem(name, line, directive.name, f"link target {target[:60]!r} is not http(s), mailto "
                                "or a page of the book", "link to an https:// address or a page of the book"))
    if directive.name == SOURCE_CHECK:
        for parent in directive.parents:
            reason = _concealing(parent)
            if reason:
                problems.append(Problem(
                    name, line, directive.argument.split()[0] if directive.argument else SOURCE_CHECK,
                    f"source check inside {reason} (line {parent.line}): readers would not see the finding",
                    "move the {source-check} out of the container, right after the claim it concerns"))
                break
    return problems


@lru_cache(maxsize=256)
def _text_problems(name: str, text: str, first_line: int) -> tuple[Problem, ...]:
    return tuple(_find_text_problems(name, text, first_line))


def text_problems(name: str, text: str, first_line: int = 1) -> list[Problem]:
    """Every problem of a MyST text (cached per text: make check and the build ask for the same chapters)."""
    return list(_text_problems(name, text, first_line))


def _find_text_problems(name: str, text: str, first_line: int) -> list[Problem]:
    problems, html = [], {}
    for element in mystdoc.elements(text, first_line):
        if element.kind == "html":
            # One report per line, judged whole: '<a href=...>' and '</a>' are one piece of markup.
            html.setdefault(element.line, mystdoc.Element("html", element.line, "", element.parents)).value += element.value
        else:
            problems += element_problems(name, element)
    for element in html.values():
        problems += element_problems(name, element)
    return sorted(problems, key=lambda p: p.line or 0)


def check_chapters(chapters) -> list[Problem]:
    problems = []
    for chapter in chapters:
        problems += text_problems(chapter.name, chapter.text)
        substitutions = chapter.front_matter.get("substitutions") or {}
        if isinstance(substitutions, dict):
            for key, value in substitutions.items():
                for problem in text_problems(chapter.name, str(value)):
                    problems.append(Problem(problem.file, 1, f"substitutions.{key}", problem.message, problem.fix))
    return problems
