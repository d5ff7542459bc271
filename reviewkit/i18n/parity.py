"""What a translated message must keep from its English: every glued value, citation, cross-reference and
since-changed mark (same roles, same targets, as often), and every number written in the prose.

A translation that drops `{glue:text}`x.value`` would print a sentence without its figure; one that adds a
digit would state a number no CSV cell holds. Both are refused here (`make check`), naming both files.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from reviewkit.model import hygiene

# A MyST role: {name}`target`. Targets of glue roles are keys of glued values.
ROLE = re.compile(r"\{([a-zA-Z][\w:.-]*)\}`([^`]*)`")
# A placeholder the toolkit fills in ({date}); not a role (no backtick follows).
PLACEHOLDER = re.compile(r"\{[a-z_]+\}(?!`)")
# A cross-reference with a title of its own: {ref}`the title <label>`.
_TITLED = re.compile(r"^[^<]*<([^>]+)>\s*$")
# Full-width look-alikes of the characters a role is made of (typed by a Chinese input method).
FULL_WIDTH = {"｛": "{", "｝": "}", "｀": "`", "：": ":"}
_ROLE_LIKE = re.compile(r"[{｛][\w:：.-]{1,24}[}｝][`｀][^`｀\n]*[`｀]")
# Numbers as the English writes them (outside roles; a digit after a Chinese character counts too): each must appear in the translation, and no other.
NUMBER = re.compile(r"(?<![A-Za-z0-9_.])\d+(?:[.,]\d+)*")


def roles(text: str) -> Counter:
    """Each (role, target) of a message, with how often it occurs; a citation of several keys counts each."""
    found = Counter()
    for name, target in ROLE.findall(text):
        if name in {"cite", "cite:t", "cite:p"}:
            found.update((name, key.strip()) for key in target.split(","))
        elif name in {"ref", "numref", "doc", "since-changed"} and _TITLED.match(target):
            found[(name, _TITLED.match(target).group(1))] += 1  # a link's title is text to translate; its label is not
        else:
            found[(name, target.strip())] += 1
    return found


# Any run of digits, also inside a name (claudin18.2, CD3): a translation may write such a name's number apart.
DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def numbers(text: str) -> Counter:
    return Counter(NUMBER.findall(ROLE.sub(" ", text)))


def digit_runs(text: str) -> Counter:
    return Counter(DIGITS.findall(ROLE.sub(" ", text)))


@dataclass(frozen=True)
class Mismatch:
    field: str
    message: str
    fix: str


def _mistyped_alike(target: str, english_targets: set[str]) -> str | None:
    """The English target ``target`` was meant to be: same key form, or the same once its invisible characters
    are dropped, or differing only where it holds a non-ASCII look-alike (Cyrillic 'х' for 'x')."""
    visible = hygiene.without_hidden(target)
    for english in sorted(english_targets):
        if hygiene.key_form(english) in {hygiene.key_form(target), hygiene.key_form(visible)}:
            return english
        if len(english) == len(visible) and all(a == b or ord(b) > 127 for a, b in zip(english, visible)):
            return english
    return None


def compare(msgid: str, msgstr: str) -> list[Mismatch]:
    """What ``msgstr`` (a translation) loses or adds against ``msgid`` (its English). One mistake is one mismatch:
    a role typed full-width, or a target mistyped with a look-alike, is not also reported as dropped or added."""
    problems = []
    have = roles(msgstr)
    for match in _ROLE_LIKE.finditer(msgstr):
        shown = match.group(0)
        if not set(shown) & set(FULL_WIDTH):
            continue
        half_width = "".join(FULL_WIDTH.get(c, c) for c in shown)
        problems.append(Mismatch("role", f"a role typed with full-width characters: {shown!r}",
                                 "write roles in half-width ASCII, exactly as in the English: " + half_width))
        have.update(roles(half_width))
    english_targets = {target for _, target in roles(msgid)}
    for name, target in roles(msgstr):
        if target in english_targets:
            continue
        hidden = hygiene.hidden_characters_message(target)
        foreign = sorted({f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in target if ord(c) > 127})
        look_alike = _mistyped_alike(target, english_targets)
        if hidden or foreign or look_alike:
            what = hidden or f"holds {', '.join(foreign)}" if (hidden or foreign) else "differs in case or width"
            problems.append(Mismatch("role", f"the target of {{{name}}}`{target}` {what}"
                                     + (f"; it looks like the English {look_alike!r}" if look_alike else ""),
                                     "retype the target in plain ASCII, exactly as the English has it"))
            have[(name, target)] -= 1
            if look_alike:
                have[(name, look_alike)] += 1
    want = roles(msgid)
    for (name, target), count in sorted((want - have).items()):
        problems.append(Mismatch("role", f"the translation drops {{{name}}}`{target}`"
                                 + (f" ({count} of {want[(name, target)]})" if want[(name, target)] > 1 else ""),
                                 "keep every role of the English, with the same target"))
    for (name, target), count in sorted((have - want).items()):
        problems.append(Mismatch("role", f"the translation adds {{{name}}}`{target}`, which the English does not have",
                                 "use only the roles of the English"))
    want_p, have_p = Counter(PLACEHOLDER.findall(msgid)), Counter(PLACEHOLDER.findall(msgstr))
    for placeholder in sorted((want_p - have_p) | (have_p - want_p)):
        problems.append(Mismatch("placeholder", f"the translation {'drops' if want_p[placeholder] > have_p[placeholder] else 'adds'} "
                                 f"the placeholder {placeholder}", "keep every {placeholder} of the English, as it is"))
    # A full-width role's target is no prose: its digits (a citation key's year) are not numbers of the text.
    prose = _ROLE_LIKE.sub(" ", msgstr)
    want_n, have_n = numbers(msgid), digit_runs(prose)
    for number in sorted(want_n - have_n):
        problems.append(Mismatch("number", f"the translation drops the number {number}",
                                 "keep every number of the English, written with the same digits"))
    for number in sorted(numbers(prose) - digit_runs(msgid)):
        problems.append(Mismatch("number", f"the translation adds the number {number}, which the English does not have",
                                 "write only the numbers of the English (spell a counting word in Chinese, e.g. 两)"))
    return problems
