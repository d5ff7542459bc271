"""`reviewkit translations` on a copy of the book: an edited English paragraph makes exactly its translation
fuzzy, and nothing else in any catalogue changes. The copy reads the execution cache of the last `make book`
(as the command does), so no chapter executes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUILD, EXECUTION_CACHE as CACHE
from reviewkit.i18n import catalogues, languages

CODE = languages.TRANSLATIONS[0]


def state(root: Path) -> dict[str, dict[str, tuple]]:
    """Every catalogue's entries as Babel reads them: msgid -> (translation, fuzzy, previous msgid)."""
    return {docname: {m.id: (m.string, m.fuzzy, tuple(m.previous_id)) for m in catalogues.read(path, CODE) if m.id}
            for docname, path in catalogues.catalogues(CODE, root).items()}


def paragraph_to_edit(root: Path) -> tuple[str, str]:
    """(docname, msgid) of a translated, up-to-date paragraph written on one line of its chapter."""
    for docname, path in catalogues.catalogues(CODE, root).items():
        source = (root / f"{docname}.md").read_text(encoding="utf-8").splitlines()
        for message in catalogues.read(path, CODE):
            if (message.id and message.string and not message.fuzzy and len(message.id) > 80
                    and message.id.endswith(".") and "`" not in message.id and message.id in source):
                return docname, message.id
    pytest.fail("no translated paragraph of a single line in the book's catalogues")


def translations(book: Path) -> None:
    result = subprocess.run([str(Path(sys.executable).parent / "reviewkit"), "translations"], cwd=book,
                            env={**os.environ, "REVIEWKIT_ROOT": str(book)}, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.build
def test_an_edited_paragraph_makes_exactly_its_translation_fuzzy(repo):
    book = repo  # the build a translation extracts from reads the history (What changed)
    assert (BUILD.parent / CACHE).is_dir(), "run `make book` first: the command reads its execution cache"
    shutil.copytree(BUILD.parent / CACHE, book / CACHE)
    translations(book)  # the catalogues in step with the English first, whatever state they were committed in
    before = state(book)
    files_before = {d: p.read_bytes() for d, p in catalogues.catalogues(CODE, book).items()}
    docname, msgid = paragraph_to_edit(book)
    edited = msgid[:-1] + ", as the review puts it."
    chapter = book / f"{docname}.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(msgid, edited, 1), encoding="utf-8")

    translations(book)

    after = state(book)
    assert set(after) == set(before), "no catalogue added or removed"
    for other in set(before) - {docname}:
        assert catalogues.catalogue_path(other, CODE, book).read_bytes() == files_before[other], other
    old, new = before[docname], after[docname]
    assert set(new) == set(old) - {msgid} | {edited}
    assert new[edited] == (old[msgid][0], True, (msgid,)), "its translation kept, marked fuzzy, with the old English"
    assert {k: v for k, v in new.items() if k != edited} == {k: v for k, v in old.items() if k != msgid}
    assert not any(m.string for m in catalogues.read(catalogues.catalogue_path(docname, CODE, book), CODE).obsolete
                   .values() if m.id == msgid), "the old English is no obsolete entry"
