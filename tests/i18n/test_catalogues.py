"""The translation catalogues (reviewkit.i18n.catalogues): merging what Sphinx extracted from the English
(`update`), and compiling them for the Chinese build (`compile_for_build`). Templates are written as Sphinx's
gettext builder writes them (one .pot per chapter, locations relative to its output folder)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import write_po

from reviewkit.i18n import generated, catalogues, languages

CODE = "zh_CN"
DOC = "chapters/outlook"
KEPT = "The review concludes that BsAb-armed T/NK cells have shown marked efficacy."
EDITED = "It names {glue:text}`outlook_bottlenecks` bottlenecks for cell therapy of solid tumours."
REMOVED = "Manufacturing at scale was, in the review's words, the last hurdle before approval."
ADDED = "A paragraph written after the translation: its Chinese is still to come."


def template(folder: Path, docname: str, messages: list[str], created: datetime.datetime | None = None) -> Path:
    catalog = Catalog(creation_date=created or datetime.datetime(2026, 1, 1, 12, 0))
    for line, message in enumerate(messages, start=10):
        catalog.add(message, locations=[(f"../../{docname}.md", line)])
    path = folder / f"{docname}.pot"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


def translate(path: Path, translations: dict[str, str]) -> None:
    catalog = catalogues.read(path, CODE)
    for msgid, text in translations.items():
        catalog[msgid].string = text
    catalogues.write(catalog, path)


def by_id(catalog: Catalog) -> dict[str, object]:
    return {message.id: message for message in catalog if message.id}


def test_a_new_chapter_comes_in_untranslated_with_its_locations(tmp_path):
    template(tmp_path / "pot", DOC, [KEPT, EDITED])
    written = catalogues.update(tmp_path / "pot", CODE, tmp_path)
    path = languages.catalogue_dir(CODE, tmp_path) / f"{DOC}.po"
    assert written == {DOC: path, generated.DOMAIN: catalogues.toolkit_catalogue(CODE, tmp_path)}
    messages = by_id(catalogues.read(path, CODE))
    assert set(messages) == {KEPT, EDITED}
    assert all(not m.string and not m.fuzzy for m in messages.values())
    assert messages[KEPT].locations == [(f"{DOC}.md", 10)], "locations relative to the book's root"


def test_a_changed_paragraph_becomes_fuzzy_with_its_old_english_and_nothing_else_changes(tmp_path):
    pot = tmp_path / "pot"
    template(pot, DOC, [KEPT, EDITED, REMOVED])
    path = catalogues.update(pot, CODE, tmp_path)[DOC]
    translate(path, {KEPT: "综述认为，双特异性抗体武装T/NK细胞显示出显著疗效。",
                     EDITED: "综述列出了{glue:text}`outlook_bottlenecks`项瓶颈。",
                     REMOVED: "综述称，规模化生产是获批前的最后障碍。"})
    changed = EDITED.replace("cell therapy of solid tumours", "cell therapies of solid tumours")
    template(pot, DOC, [KEPT, changed, ADDED])
    catalogues.update(pot, CODE, tmp_path)

    catalog = catalogues.read(path, CODE)
    messages = by_id(catalog)
    assert set(messages) == {KEPT, changed, ADDED}
    fuzzy = [m for m in messages.values() if m.fuzzy]
    assert [m.id for m in fuzzy] == [changed], "exactly the changed paragraph is out of date"
    assert fuzzy[0].string == "综述列出了{glue:text}`outlook_bottlenecks`项瓶颈。", "its translation is kept"
    assert fuzzy[0].previous_id == [EDITED], "with the English it was translated from"
    assert "#| msgid" in path.read_text(encoding="utf-8")
    assert messages[KEPT].string.startswith("综述认为") and not messages[KEPT].fuzzy
    assert messages[ADDED].string == "" and not messages[ADDED].fuzzy
    assert list(catalog.obsolete) == [REMOVED] and catalog.obsolete[REMOVED].string.startswith("综述称")


def test_unchanged_english_rewrites_nothing_not_even_the_creation_date(tmp_path):
    pot = tmp_path / "pot"
    template(pot, DOC, [KEPT, EDITED], created=datetime.datetime(2026, 1, 1, 12, 0))
    path = catalogues.update(pot, CODE, tmp_path)[DOC]
    translate(path, {KEPT: "综述认为，双特异性抗体武装T/NK细胞显示出显著疗效。"})
    catalogues.update(pot, CODE, tmp_path)  # records the new translation as checked against its English
    before, stamp = path.read_bytes(), path.stat().st_mtime_ns
    template(pot, DOC, [KEPT, EDITED], created=datetime.datetime(2026, 6, 30, 8, 15))
    catalogues.update(pot, CODE, tmp_path)
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == stamp, "the file was not written at all"


def test_an_edited_translation_is_flagged_until_its_english_is_checked_again(tmp_path):
    """The reverse of fuzzy: `make translations` records each translation as checked against its English; a
    translation edited afterwards is flagged (its English may need the same change) until the next run."""
    pot = tmp_path / "pot"
    template(pot, DOC, [KEPT, EDITED])
    path = catalogues.update(pot, CODE, tmp_path)[DOC]
    translate(path, {KEPT: "综述认为，双特异性抗体武装T/NK细胞显示出显著疗效。"})
    assert not any(catalogues.translation_changed(m) for m in catalogues.read(path, CODE)), "never checked yet"
    catalogues.update(pot, CODE, tmp_path)
    assert f"# {catalogues.CHECKED} " in path.read_text(encoding="utf-8")
    assert not any(catalogues.translation_changed(m) for m in catalogues.read(path, CODE))

    translate(path, {KEPT: "综述认为，双特异性抗体武装T/NK细胞已显示出明显疗效。"})
    flagged = [m.id for m in catalogues.read(path, CODE) if catalogues.translation_changed(m)]
    assert flagged == [KEPT], "exactly the edited translation"

    catalogues.update(pot, CODE, tmp_path)
    assert not any(catalogues.translation_changed(m) for m in catalogues.read(path, CODE)), "checked again"


def test_a_second_run_keeps_the_old_english_of_a_fuzzy_entry_and_changes_nothing(tmp_path):
    pot = tmp_path / "pot"
    quoted = 'The review calls manufacturing "the last hurdle" before approval of armed T/NK cell products.'
    template(pot, DOC, [KEPT, quoted])
    path = catalogues.update(pot, CODE, tmp_path)[DOC]
    translate(path, {quoted: "综述称生产是获批前的“最后障碍”。"})
    changed = quoted.replace("approval", "the approval")
    template(pot, DOC, [KEPT, changed])
    catalogues.update(pot, CODE, tmp_path)
    first = path.read_bytes()
    template(pot, DOC, [KEPT, changed], created=datetime.datetime(2026, 7, 1, 9, 0))
    catalogues.update(pot, CODE, tmp_path)
    assert path.read_bytes() == first
    message = catalogues.read(path, CODE)[changed]
    assert message.fuzzy and message.previous_id == [quoted] and message.user_comments == []


def test_the_themes_own_strings_get_no_catalogue(tmp_path):
    pot = tmp_path / "pot"
    template(pot, "sphinx", ["Search"])
    template(pot, DOC, [KEPT])
    assert set(catalogues.update(pot, CODE, tmp_path)) == {DOC, generated.DOMAIN}, "the chapter's and the toolkit's"
    assert not (languages.catalogue_dir(CODE, tmp_path) / "sphinx.po").exists()


# ---------------------------------------------------------------- compile_for_build
def catalogue(root: Path, docname: str, entries: list[tuple[str, str, bool]]) -> Path:
    catalog = Catalog(locale=CODE)
    for msgid, msgstr, fuzzy in entries:
        catalog.add(msgid, msgstr, flags=["fuzzy"] if fuzzy else [])
    path = catalogues.catalogue_path(docname, CODE, root)
    catalogues.write(catalog, path)
    return path


def compiled(out: Path, docname: str) -> dict[str, str]:
    with (out / CODE / "LC_MESSAGES" / f"{docname}.mo").open("rb") as handle:
        return {message.id: message.string for message in read_mo(handle) if message.id}


LOCAL = "It names {glue:text}`outlook_bottlenecks` bottlenecks and {glue:text}`outlook_directions` directions."
FORMATTED = "The rate was {glue:text}`trial.rate:.1f` per cent of patients treated in the study."
ELSEWHERE = "As the T-cell chapter shows, {glue:text}`bsab-armed-t-cells-solid-tumours.md::n_trials:s` trials ran."
LAGGING = "A paragraph whose English changed after it was translated into Chinese, so it lags."
MISSING = "A paragraph nobody has translated yet, which the build shows in English with a notice."


def test_compiling_points_glue_at_the_chapter_marks_lagging_and_leaves_out_the_untranslated(tmp_path):
    catalogue(tmp_path, DOC, [
        (LOCAL, "综述列出了{glue:text}`outlook_bottlenecks`项瓶颈和{glue:text}`outlook_directions`个方向。", False),
        (FORMATTED, "比率为{glue:text}`trial.rate:.1f`%。", False),
        (ELSEWHERE, "如T细胞一章所示，共{glue:text}`bsab-armed-t-cells-solid-tumours.md::n_trials:s`项试验。", False),
        (LAGGING, "一个英文在翻译后有所修改、因而滞后的段落。", True),
        (MISSING, "", False),
    ])
    out = tmp_path / "compiled"
    [result] = catalogues.compile_for_build(CODE, out, {DOC: "2026-05-01"}, tmp_path)
    messages = compiled(out, DOC)

    assert messages[LOCAL] == ("综述列出了{glue:text}`outlook.md::outlook_bottlenecks:s`项瓶颈和"
                               "{glue:text}`outlook.md::outlook_directions:s`个方向。")
    assert messages[FORMATTED] == "比率为{glue:text}`outlook.md::trial.rate:.1f`%。", "the format spec is kept"
    assert messages[ELSEWHERE] == "如T细胞一章所示，共{glue:text}`bsab-armed-t-cells-solid-tumours.md::n_trials:s`项试验。"
    assert messages[LAGGING] == f"一个英文在翻译后有所修改、因而滞后的段落。 {{{catalogues.LAG_ROLE}}}`2026-05-01`"
    assert MISSING not in messages, "the build shows the English, with its own notice"
    assert (result.docname, result.translated, result.lagging, result.untranslated) == (DOC, 3, [LAGGING], [MISSING])


def test_a_lagging_heading_takes_no_notice(tmp_path):
    catalogue(tmp_path, DOC, [("Key findings", "要点", True)])
    out = tmp_path / "compiled"
    catalogues.compile_for_build(CODE, out, {DOC: "2026-05-01"}, tmp_path)
    assert compiled(out, DOC) == {"Key findings": "要点"}


def test_compiling_never_touches_the_authors_catalogues(tmp_path):
    path = catalogue(tmp_path, DOC, [(LAGGING, "滞后的段落。", True), (MISSING, "", False)])
    before = path.read_bytes()
    catalogues.compile_for_build(CODE, tmp_path / "compiled", {}, tmp_path)
    assert path.read_bytes() == before
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.mo")] == \
        [f"compiled/{CODE}/LC_MESSAGES/{DOC}.mo"]


# ---------------------------------------------------------------- read
@pytest.mark.parametrize("bad", ['msgstr "展望', 'msgstr "展"望"', "msgstr 展望", 'msgstr "展望" 展'])
def test_a_line_babel_would_read_as_another_translation_is_refused_with_its_line(tmp_path, bad):
    path = catalogue(tmp_path, DOC, [("Outlook", "展望", False), ("Key findings", "要点", False)])
    lines = path.read_text(encoding="utf-8").splitlines()
    number = lines.index('msgstr "展望"') + 1
    lines[number - 1] = bad
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(catalogues.CatalogueError) as raised:
        catalogues.read(path, CODE)
    assert (raised.value.line, raised.value.field) == (number, "msgstr")


def test_wrapped_entries_and_comments_read_as_written(tmp_path):
    path = tmp_path / "wrapped.po"
    path.write_text('# a translator\'s note\n#, fuzzy\n#| msgid "Old"\nmsgid ""\n"Outlook "\n"and \\"more\\""\n'
                    'msgstr "展望"\n\n#~ msgid "Gone"\n#~ msgstr ""\n', encoding="utf-8")
    catalog = catalogues.read(path, CODE)
    assert catalog['Outlook and "more"'].string == "展望" and list(catalog.obsolete) == ["Gone"]
