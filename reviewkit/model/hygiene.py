"""Text hygiene of data cells: characters that hide or disguise text, spreadsheet formulas, non-finite numbers,
and the normal form in which keys are compared.

Nothing in a cell is silently rewritten: the CSV is the published record, so a cell that breaks a rule is
reported for the author to fix. (The only normalisation is at file level and clearly safe: a leading
byte-order mark and Windows line ends, see reviewkit.model.inputs.)
"""

from __future__ import annotations

import math
import unicodedata

# Characters that change how text is displayed without being visible themselves: every control character
# (category Cc: NUL, ESC, DEL, the C1 range ...) except the line break a quoted multi-line cell may hold,
# and every format character (category Cf: bidi overrides and isolates, zero-width space/joiners, word
# joiner, soft hyphen, byte-order mark inside text ...), plus the Unicode line and paragraph separators.
ALLOWED_CONTROLS = {"\n"}
SEPARATORS = {"\u2028", "\u2029"}

# OWASP CSV injection: a cell starting with one of these is run as a formula by Excel, LibreOffice and
# Google Sheets when the CSV download is opened (https://owasp.org/www-community/attacks/CSV_Injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _describe(char: str) -> str:
    name = unicodedata.name(char, None)
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def hidden_characters(text: str) -> list[tuple[int, str]]:
    """(position, description) of every control, format or separator character in ``text``."""
    if text.isascii() and text.replace("\n", "").isprintable():
        return []  # most cells: ASCII has no format or separator characters, and isprintable() finds its controls
    found = []
    for position, char in enumerate(text):
        category = unicodedata.category(char)
        if (category == "Cc" and char not in ALLOWED_CONTROLS) or category == "Cf" or char in SEPARATORS:
            found.append((position, _describe(char)))
    return found


def hidden_characters_message(text: str) -> str | None:
    found = hidden_characters(text)
    if not found:
        return None
    names = sorted({description for _, description in found})
    return (f"contains invisible or direction-changing character{'s' if len(names) > 1 else ''} "
            f"{', '.join(names)} (first at character {found[0][0] + 1})")


def without_hidden(text: str) -> str:
    """``text`` without the characters hidden_characters finds (a line break becomes a space). For metadata
    fetched from outside (titles, author lists), where an invisible character carries no meaning: clearly
    safe to drop, and the cell then passes `make check`. Never used on the book's own figures."""
    found = {position for position, _ in hidden_characters(text.replace("\n", " "))}
    return "".join(char for position, char in enumerate(text.replace("\n", " ")) if position not in found)


HIDDEN_FIX = ("delete the character (retype the cell if unsure): control, bidi and zero-width characters "
              "make the shown text differ from the stored one")


def formula_prefix(text: str) -> str | None:
    """The character that would make a spreadsheet run this string cell as a formula, if any.

    A cell that is only that character (the relation "=", a "-") is no formula and stays a legitimate value.
    """
    stripped = text.lstrip(" ")
    if stripped[:1] in FORMULA_PREFIXES and len(stripped.strip()) > 1:
        return stripped[0]
    return None


FORMULA_FIX = ("rephrase so the cell does not begin with = + - @ or a tab: a spreadsheet opening the CSV download "
               "would run it as a formula (write e.g. 'minus 2' or '−2' (U+2212), 'none' instead of '-', "
               "or start with a word)")


def non_finite(cell: str) -> bool:
    """True for a number cell that parses as infinity or NaN (frictionless accepts both; the book cannot
    print or plot them)."""
    try:
        return not math.isfinite(float(cell))
    except ValueError:
        return False


def key_form(text: str) -> str:
    """The form in which keys are compared: NFKC, case-folded, with surrounding space removed — so keys that
    look alike ('CAR‑T' with a non-breaking hyphen, full-width 'ＣＡＲ-T', 'car-t') count as one."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    # NFKC leaves the Unicode hyphens apart from the ASCII one; readers cannot tell them apart.
    folded = folded.translate({0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2013: "-", 0x2212: "-", 0xFE63: "-"})
    return unicodedata.normalize("NFKC", folded).strip()


def not_nfc(text: str) -> bool:
    return unicodedata.normalize("NFC", text) != text
