"""The book's editions (reviewkit.i18n.languages): a language code as authors type it names one edition."""

from __future__ import annotations

import pytest

from reviewkit.i18n import languages


@pytest.mark.parametrize("typed", ["zh", "zh_CN", "zh-Hans", "ZH-hans", " zh-CN "])
def test_the_ways_to_type_chinese_name_the_chinese_edition(typed):
    edition = languages.edition(typed)
    assert edition.code == "zh_CN" and edition.folder == "zh" and edition.html_lang == "zh-CN"
    assert edition.code in languages.TRANSLATIONS


def test_english_is_the_source_at_the_root():
    edition = languages.edition("en")
    assert edition.code == languages.SOURCE and edition.folder == "" and edition.html_lang == "en"
    assert languages.SOURCE not in languages.TRANSLATIONS


def test_every_edition_is_found_by_its_own_code_folder_and_html_lang():
    for edition in languages.EDITIONS.values():
        for typed in {edition.code, edition.folder or edition.code, edition.html_lang}:
            assert languages.edition(typed) == edition, typed


@pytest.mark.parametrize("typed", ["xx", "fr", "zh-Hant-TW"])
def test_an_unknown_code_names_the_editions_and_the_fix(typed):
    with pytest.raises(languages.UnknownLanguage) as raised:
        languages.edition(typed)
    message = str(raised.value)
    assert repr(typed) in message
    for edition in languages.EDITIONS.values():
        assert edition.name in message and (edition.folder or edition.code) in message
    assert "languages.py" in message


def test_catalogues_live_where_sphinx_looks_for_them(tmp_path):
    assert languages.catalogue_dir("zh_CN", tmp_path) == tmp_path / "locales" / "zh_CN" / "LC_MESSAGES"
