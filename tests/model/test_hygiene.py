"""Text hygiene of data cells, key normalisation, and which URLs the book may render."""

from __future__ import annotations

import pytest

from reviewkit.checks import cells
from reviewkit.model import hygiene, urls


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x85", "\t", "\r", "\u202e", "\u2066", "\u200b", "\u200d",
                                  "\u2060", "\ufeff", "\u00ad", "\u2028", "\u061c"])
def test_hidden_and_direction_changing_characters_are_found(char):
    found = hygiene.hidden_characters(f"ab{char}cd")
    assert found and found[0][0] == 2 and found[0][1].startswith(f"U+{ord(char):04X}")


@pytest.mark.parametrize("text", ["plain", "two\nlines", "双特异性抗体", "5 µg × 10⁸", "≥ 3", "naïve — café", "−2"])
def test_visible_text_passes(text):
    assert hygiene.hidden_characters(text) == []


@pytest.mark.parametrize("text, prefix", [("=HYPERLINK(\"http://x\",\"y\")", "="), ("+cmd|' /C calc'!A0", "+"),
                                          ("-2+3+cmd|x", "-"), ("@SUM(A1)", "@"), ("  =1+1", "=")])
def test_spreadsheet_formulas_are_found(text, prefix):
    assert hygiene.formula_prefix(text) == prefix


@pytest.mark.parametrize("text", ["=", "-", "+", "@", "a=b", "x - y", "−2", "e-mail"])
def test_single_characters_and_inner_signs_are_not_formulas(text):
    assert hygiene.formula_prefix(text) is None


@pytest.mark.parametrize("cell, bad", [("inf", True), ("-Infinity", True), ("NaN", True), ("nan", True),
                                       ("1e400", True), ("12.5", False), ("-3", False), ("8e10", False), ("x", False)])
def test_non_finite_numbers(cell, bad):
    assert hygiene.non_finite(cell) is bad


@pytest.mark.parametrize("a, b", [("CAR-T", "CAR\u2011T"), ("CAR-T", "ＣＡＲ-Ｔ"), ("BsAb", "bsab"), ("CRS", "CRS "),
                                  ("café", "cafe\u0301"), ("CAR-T", "CAR–T")])
def test_look_alike_keys_compare_equal(a, b):
    assert hygiene.key_form(a) == hygiene.key_form(b)


def test_different_keys_stay_different():
    assert hygiene.key_form("CAR-T") != hygiene.key_form("CAR-NK")


RESOURCE = {"name": "terms", "path": "terms.csv", "schema": {
    "fields": [{"name": "key", "type": "string"}, {"name": "text", "type": "string"},
               {"name": "value", "type": "number"}, {"name": "count", "type": "integer"}],
    "primaryKey": ["key"]}}
HEADER = ["key", "text", "value", "count"]


def problems(rows):
    return cells.cell_problems("data/terms.csv", RESOURCE, HEADER, list(enumerate(rows, start=2)))


def test_cell_rules_name_line_and_column():
    found = problems([["CAR-T", "fine", "-1.5", "3"],
                      ["CAR\u2011T", "=HYPERLINK(\"x\")", "inf", "-2"],
                      ["BsAb", "right\u202eto left", "", ""]])
    by_place = {(p.line, p.field): p for p in found}
    assert set(by_place) == {(3, "key"), (3, "text"), (3, "value"), (4, "text")}
    assert "looks the same as 'CAR-T' (line 2)" in by_place[(3, "key")].message
    assert "formula" in by_place[(3, "text")].message and "formula" in by_place[(3, "text")].fix
    assert "not a finite number" in by_place[(3, "value")].message
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in by_place[(4, "text")].message


def test_negative_numbers_and_a_lone_sign_are_legitimate():
    assert problems([["a", "-", "-1.5", "-2"], ["b", "=", "1e-3", "0"]]) == []


@pytest.mark.parametrize("url", ["https://doi.org/10.1/x", "http://a.b", "mailto:a@b.c", "page.html#x", "#top",
                                 "../data/x.csv", "data.html"])
def test_safe_links(url):
    assert urls.is_safe_link(url)


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)",
                                 "\x01javascript:alert(1)", "vbscript:msgbox", "data:text/html,<script>x</script>",
                                 "file:///etc/passwd", "ftp://x"])
def test_unsafe_links(url):
    assert not urls.is_safe_link(url)


@pytest.mark.parametrize("url, local", [("img.png", True), ("../assets/x.svg", True), ("//evil.example/x.png", False),
                                        ("\\\\evil.example/x.png", False), ("https://evil.example/x.png", False)])
def test_local_urls(url, local):
    assert urls.is_local(url) is local


@pytest.mark.parametrize("url, ok", [("https://example.org/paper", True), ("http://x.y", True),
                                     ("javascript:alert(1)", False), ("https:relative", False), ("www.x.org", False)])
def test_web_urls(url, ok):
    assert urls.is_web_url(url) is ok


def test_fetched_metadata_loses_its_invisible_characters():
    from reviewkit.watch.candidates import Record

    record = Record(sources=["pubmed"], title="Bispecific\u00ad antibody\u200b-armed\nT cells\u202e", doi=" 10.1/x\u200b")
    assert (record.title, record.doi) == ("Bispecific antibody-armed T cells", "10.1/x")
    assert hygiene.hidden_characters(record.title) == []


def test_every_ascii_character_is_judged_by_its_unicode_category():
    """Plain ASCII text takes a short way (no per-character scan); it must find what the categories say."""
    import unicodedata

    for char in map(chr, range(128)):
        hidden = unicodedata.category(char) in ("Cc", "Cf") and char != "\n"
        for text in (char, f"a{char}b", f"{char}\n"):
            assert [p for p, _ in hygiene.hidden_characters(text)] == [text.index(char)] * hidden, repr(text)
