from pathlib import Path

from helpers import BIBTEX_ENTRY
from reviewkit.model import bibliography

GOOD = BIBTEX_ENTRY


def lint(tmp_path: Path, text: str):
    path = tmp_path / "references.bib"
    path.write_text(text, encoding="utf-8")
    return bibliography.lint(path)


def test_clean_entry_passes(tmp_path):
    assert lint(tmp_path, GOOD) == []


def test_the_book_bibliography_is_clean_and_complete():
    library = bibliography.parse()
    assert library.failed_blocks == []
    assert bibliography.lint() == []
    entries = library.entries
    # The review's own references are numbered 1..n in the review's order, without gaps; newer evidence
    # carries no review number, so adding a reference never breaks this.
    numbers = [int(e.fields_dict["reviewref"].value) for e in entries if "reviewref" in e.fields_dict]
    assert numbers == list(range(1, len(numbers) + 1))
    assert "chen2025immune" in {e.key for e in entries}
    # Journal articles are cited by DOI; everything else (news, press releases, notices) by its URL.
    for entry in entries:
        locator = "doi" if entry.entry_type.lower() == "article" else "url"
        assert entry.fields_dict.get(locator), f"{entry.key} has no {locator}"


def test_duplicate_key_names_both_lines(tmp_path):
    problems = lint(tmp_path, GOOD + "\n" + GOOD.replace("10.1158/1078-0432.CCR-14-2280", "10.1000/other"))
    assert len(problems) == 1
    assert problems[0].line == 9 and problems[0].field == "lum2015targeted"
    assert "duplicate key 'lum2015targeted' (first defined on line 1)" in problems[0].message


def test_malformed_entry_is_reported_with_line(tmp_path):
    problems = lint(tmp_path, GOOD + "\n@article{broken title = {x}}\n")
    assert [(p.line, "cannot parse" in p.message) for p in problems] == [(9, True)]
    assert "Expected comma" in problems[0].message


def test_entry_without_key(tmp_path):
    problems = lint(tmp_path, "@article{,\n  title = {x},\n  year = {2020},\n}\n")
    assert any("has no key" in p.message and p.line == 1 for p in problems)


def test_bad_and_duplicate_doi(tmp_path):
    text = GOOD + "\n" + GOOD.replace("lum2015targeted", "copy2015targeted") + "\n" + \
        GOOD.replace("lum2015targeted", "bad2015doi").replace("10.1158/1078-0432.CCR-14-2280", "10.11/x y")
    messages = {(p.field, p.line): p.message for p in lint(tmp_path, text)}
    assert "also the DOI of 'lum2015targeted' (line 1)" in messages[("copy2015targeted.doi", 9)]
    assert "is not a valid DOI" in messages[("bad2015doi.doi", 17)]


def test_doi_written_as_link(tmp_path):
    problems = lint(tmp_path, GOOD.replace("doi = {10.", "doi = {https://doi.org/10."))
    assert problems[0].field == "lum2015targeted.doi" and "link or with a prefix" in problems[0].message


def test_missing_required_field(tmp_path):
    problems = lint(tmp_path, GOOD.replace("  journal = {Clin Cancer Res},\n", ""))
    assert [(p.field, p.line) for p in problems] == [("lum2015targeted.journal", 1)]


def numbered(key: str, number: str, doi: str) -> str:
    return BIBTEX_ENTRY.replace("lum2015targeted", key).replace("10.1158/1078-0432.CCR-14-2280", doi).replace(
        "  doi =", f"  reviewref = {{{number}}},\n  doi =")


def test_the_reviews_numbering_is_each_number_once_without_gaps(tmp_path):
    good = numbered("a2015x", "1", "10.1000/a") + numbered("b2015x", "2", "10.1000/b")
    assert lint(tmp_path, good) == []
    problems = lint(tmp_path, good + numbered("c2015x", "2", "10.1000/c") + numbered("d2015x", "ten", "10.1000/d")
                    + numbered("e2015x", "5", "10.1000/e"))
    by_field = {p.field: p for p in problems}
    assert "also 'b2015x'" in by_field["c2015x.reviewref"].message and by_field["c2015x.reviewref"].line == 17
    assert "not a number" in by_field["d2015x.reviewref"].message
    assert by_field["reviewref"].message == "no entry is the review's reference 3, 4"
