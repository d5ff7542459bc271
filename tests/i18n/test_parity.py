"""What a translated message must keep from its English (reviewkit.i18n.parity): roles with their targets, and
numbers. One mistake is one mismatch, named by its field."""

from __future__ import annotations

import pytest

from reviewkit.i18n.parity import compare

GLUED = "It enrolled {glue:text}`study.n_patients` patients."


def fields(msgid: str, msgstr: str) -> list[str]:
    return [mismatch.field for mismatch in compare(msgid, msgstr)]


def only(msgid: str, msgstr: str):
    found = compare(msgid, msgstr)
    assert len(found) == 1, found
    return found[0]


def test_a_faithful_translation_has_no_mismatch():
    english = ("Of {glue:text}`study.n_patients` patients, 12 responded {cite}`lum2015targeted` "
               "(see {ref}`the outlook <outlook-label>`).")
    chinese = "{glue:text}`study.n_patients`例患者中12例有应答{cite}`lum2015targeted`（见{ref}`展望 <outlook-label>`）。"
    assert compare(english, chinese) == []


def test_a_dropped_glue_value_is_named():
    mismatch = only(GLUED, "共入组患者。")
    assert mismatch.field == "role" and "drops" in mismatch.message and "study.n_patients" in mismatch.message
    assert mismatch.fix


def test_a_glue_value_the_english_does_not_have_is_named():
    mismatch = only(GLUED, "共入组{glue:text}`study.n_patients`例患者，{glue:text}`other.value`例有应答。")
    assert mismatch.field == "role" and "adds" in mismatch.message and "other.value" in mismatch.message


def test_a_glue_value_kept_twice_as_often_counts():
    english = "{glue:text}`a.value` of {glue:text}`a.value`."
    assert "drops" in only(english, "{glue:text}`a.value`。").message


def test_a_citation_of_several_keys_counts_each_key_in_any_order():
    english = "As reported {cite}`lum2015targeted,park2021armed`."
    assert compare(english, "如报道{cite}`park2021armed, lum2015targeted`。") == []
    assert compare(english, "如报道{cite}`park2021armed`{cite}`lum2015targeted`。") == []
    mismatch = only(english, "如报道{cite}`park2021armed`。")
    assert "drops" in mismatch.message and "lum2015targeted" in mismatch.message


def test_a_titled_reference_keeps_its_label_and_translates_its_title():
    english = "See {ref}`the outlook <outlook-label>`."
    assert compare(english, "见{ref}`展望 <outlook-label>`。") == []
    assert set(fields(english, "见{ref}`展望 <outlook-1abel>`。")) == {"role"}
    assert compare(english, "见{ref}`展望 <outlook-1abel>`。"), "a changed label is a mismatch"


@pytest.mark.parametrize("english, chinese, word, number", [
    ("In 12 patients.", "在患者中。", "drops", "12"),
    ("In patients.", "在患者中12例。", "adds", "12"),
    ("In a phase trial.", "在一项第3期试验中。", "adds", "3"),  # a digit right after a Chinese character
])
def test_a_number_dropped_or_added_is_named(english, chinese, word, number):
    mismatch = only(english, chinese)
    assert mismatch.field == "number" and word in mismatch.message and number in mismatch.message
    assert mismatch.fix


def test_a_rounded_number_is_named_as_dropped_and_added():
    dropped, added = compare("The rate was 92.9%.", "应答率为92%。")
    assert dropped.field == added.field == "number"
    assert "drops the number 92.9" in dropped.message and "adds the number 92," in added.message


def test_a_number_after_a_chinese_character_is_kept():
    assert compare("In 12 patients and 3 trials.", "在3项试验的12例患者中。") == []


@pytest.mark.parametrize("chinese", ["靶向claudin18.2的5项试验。", "靶向claudin 18.2的5项试验。"])
def test_a_number_inside_a_name_may_be_written_apart(chinese):
    assert compare("Five trials target claudin18.2: 5 in all.", chinese) == []


def test_a_number_inside_a_name_is_no_number_the_translation_may_add():
    assert "adds" in only("Five trials target claudin18.2.", "靶向claudin18.2的7项试验。").message


def test_a_full_width_role_is_one_mismatch_with_its_half_width_form_as_the_fix():
    mismatch = only(GLUED, "共入组｛glue：text｝｀study.n_patients｀例患者。")
    assert mismatch.field == "role" and "full-width" in mismatch.message
    assert "{glue:text}`study.n_patients`" in mismatch.fix


def test_a_full_width_citation_is_one_mismatch_not_also_an_added_year():
    mismatch = only("As reported {cite}`lum2015targeted`.", "如报道｛cite｝｀lum2015targeted｀。")
    assert "full-width" in mismatch.message


def test_a_full_width_colon_in_prose_is_no_role():
    assert compare(GLUED, "结果：共入组{glue:text}`study.n_patients`例患者。") == []


@pytest.mark.parametrize("look_alike, named", [
    ("study.n_\u0440atients", "U+0440 CYRILLIC SMALL LETTER ER"),  # Cyrillic р for p
    ("study.n_pat\u200bients", "U+200B ZERO WIDTH SPACE"),
    ("Study.N_patients", "case"),
])
def test_a_look_alike_key_is_one_mismatch_naming_the_character_and_the_english_key(look_alike, named):
    mismatch = only(GLUED, f"共入组{{glue:text}}`{look_alike}`例患者。")
    assert mismatch.field == "role" and named in mismatch.message
    assert "study.n_patients" in mismatch.message and "ASCII" in mismatch.fix
