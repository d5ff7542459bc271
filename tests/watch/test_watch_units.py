"""Unit tests of the surveillance toolkit: identifiers and de-duplication, Crossref notices, the PRISMA flow,
what chapters show about cited works, the footer date, and the all-or-nothing writer."""

from __future__ import annotations

import urllib.request

import pandas as pd
import pytest

from reviewkit.watch import crossref, log_tables, pubmed
from reviewkit.sphinx import search_footer as footer
from reviewkit.screening import prisma
from reviewkit.watch.http import SourceError
from reviewkit.watch.candidates import Record, merge_duplicates, new_candidates, norm_doi


def test_identifiers_are_compared_normalised():
    assert norm_doi("https://doi.org/10.1038/S41591-025-03640-8") == "10.1038/s41591-025-03640-8"
    assert norm_doi("doi: 10.1/X") == "10.1/x"
    assert Record(["pubmed"], pmid="123").record_id() == "pmid123"
    assert Record(["ctgov"], nct_id="nct01234567").record_id() == "nct01234567"
    assert Record(["europepmc"], doi="10.1101/2026.12.01.000001").record_id() == "doi-10-1101-2026-12-01-000001"
    assert Record(["europepmc"], other_id="PPR-PPR1").record_id() == "id-ppr-ppr1"


def test_reports_sharing_any_identifier_become_one_record_with_every_source():
    a = Record(["pubmed"], title="A", pmid="1", doi="10.1/a")
    b = Record(["europepmc"], title="", pmid="1", authors="X")
    c = Record(["ctgov"], nct_id="NCT00000001")
    d = Record(["europepmc"], doi="10.1/A", nct_id="NCT00000001")  # links a and c
    merged = merge_duplicates([a, b, c, d])
    assert len(merged) == 1
    assert merged[0].sources == ["pubmed", "europepmc", "ctgov"]
    assert (merged[0].title, merged[0].authors, merged[0].nct_id) == ("A", "X", "NCT00000001")
    assert a.sources == ["pubmed"], "inputs are not modified"


def test_known_records_are_not_candidates():
    found = [Record(["pubmed"], pmid="1"), Record(["pubmed"], pmid="2", doi="10.1/cited"), Record(["pubmed"])]
    fresh, removed = new_candidates(found, {"doi:10.1/cited"})
    assert [r.pmid for r in fresh] == ["1"] and removed == 2


def test_crossref_update_types_map_to_the_notice_vocabulary():
    assert crossref.kind_of("retraction") == crossref.kind_of("Partial Retraction") == "retraction"
    assert crossref.kind_of("erratum") == crossref.kind_of("corrigendum") == "correction"
    assert crossref.kind_of("expression_of_concern") == "expression_of_concern"
    assert crossref.kind_of("addendum") == "other"
    assert crossref.partial_date({"date-parts": [[2025, 8]]}, "") == "2025-08"
    assert crossref.partial_date({"date-parts": [[2025, 8, 1]]}, "") == "2025-08-01"
    with pytest.raises(SourceError, match="Crossref: malformed answer"):
        crossref.partial_date({"date-parts": [[None]]}, "")


REASONS = pd.DataFrame([("off_topic", "off topic"), ("not_retrieved", "report not retrieved"),
                        ("wrong_outcomes", "no outcome the book reports")], columns=["reason", "label"])
REVIEWERS = pd.DataFrame([("old", "single_legacy"), ("ab", "person"), ("cd", "person"), ("ef", "person")],
                         columns=["reviewer_id", "kind"])


def frames(records, decisions, searches):
    """records: (sources, evidence_id); decisions: (record number, stage, reviewer, role, decision, reason)."""
    log = pd.DataFrame([{"record_id": f"r{i}", "sources": s, "evidence_id": e} for i, (s, e) in enumerate(records)])
    rows = pd.DataFrame([{"record_id": f"r{n}", "stage": st, "reviewer": rv, "role": ro, "decision": d, "reason": rs}
                         for n, st, rv, ro, d, rs in decisions],
                        columns=["record_id", "stage", "reviewer", "role", "decision", "reason"])
    return log, pd.DataFrame(searches, columns=["source", "records_identified"]).astype({"records_identified": "Int64"}), rows


TA, FT, I, R = "title_abstract", "full_text", "independent", "resolution"


def test_the_flow_is_counted_by_stage_from_the_decisions_and_the_searches():
    log, searches, decisions = frames(
        [("sweep", "U01"), ("pubmed; europepmc", None), ("ctgov", None), ("pubmed", None), ("pubmed", None),
         ("europepmc", None), ("pubmed", None)],
        [(0, TA, "old", I, "include", ""), (0, FT, "old", I, "include", ""),  # the sweep: one reviewer, linked
         (1, TA, "ab", I, "exclude", "off_topic"), (1, TA, "cd", I, "exclude", "off_topic"),
         (2, TA, "ab", I, "include", ""),  # awaiting the second reviewer
         (3, TA, "ab", I, "include", ""), (3, TA, "cd", I, "exclude", "off_topic"),  # a disagreement
         (4, TA, "ab", I, "include", ""), (4, TA, "cd", I, "exclude", "off_topic"), (4, TA, "ef", R, "include", ""),
         (4, FT, "ab", I, "exclude", "wrong_outcomes"), (4, FT, "cd", I, "exclude", "wrong_outcomes"),
         (5, TA, "ab", I, "include", ""), (5, TA, "cd", I, "include", ""),
         (5, FT, "ab", I, "exclude", "not_retrieved"), (5, FT, "cd", I, "exclude", "not_retrieved"),
         (6, TA, "ab", I, "include", ""), (6, TA, "cd", I, "include", ""),
         (6, FT, "ab", I, "include", ""), (6, FT, "cd", I, "include", "")],
        [("sweep", None), ("pubmed", 5), ("europepmc", 3), ("ctgov", 1), ("pubmed", 2)])
    flow = prisma.counts(log, searches, decisions, REVIEWERS, REASONS)
    assert flow.identified == {"PubMed": 7, "Europe PMC": 3, "ClinicalTrials.gov": 1}
    assert (flow.removed, flow.other_methods, flow.records) == (11 - 6, 1, 7)
    assert (flow.screened, flow.awaiting_screening, flow.conflicts) == (5, 2, 1)
    assert flow.excluded == {"off topic": 1}
    assert (flow.sought, flow.not_retrieved, flow.assessed, flow.awaiting_full_text) == (4, 1, 3, 0)
    assert flow.reports_excluded == {"no outcome the book reports": 1}
    assert (flow.included, flow.linked, flow.single_reviewer) == (2, 1, 1)


def test_the_flow_diagram_is_an_accessible_svg_saying_what_its_text_says():
    log, searches, decisions = frames([("sweep", "U01")], [(0, TA, "old", I, "include", ""),
                                                            (0, FT, "old", I, "include", "")], [("sweep", None)])
    flow = prisma.counts(log, searches, decisions, REVIEWERS, REASONS)
    svg = prisma.svg(flow)
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert 'viewBox="0 0 ' in svg and 'width="100%"' in svg, "scales to a phone's width"
    for heading, body in prisma.lines(flow):
        assert heading in svg and heading in prisma.text_alternative(flow)
    assert "New records included: 1" in prisma.text_alternative(flow)
    assert "Reports sought for retrieval: 1" in prisma.text_alternative(flow)


def test_chapters_get_a_studys_registry_status_and_a_works_notices(book):
    from reviewkit.book import notices as cited

    registry = book / "data" / "registry_status.csv"
    rows = [line for line in registry.read_text(encoding="utf-8").splitlines(keepends=True)
            if not line.startswith(("NCT01234567", "NCT07654321"))]
    registry.write_text("".join(rows) + "NCT01234567,COMPLETED,2025-09-30,false,2026-11,ClinicalTrials.gov,API,\n"
                        "NCT07654321,RECRUITING,,,2026-11,mirror,Example mirror,\n", encoding="utf-8")
    text = cited.registry_status_text("NCT01234567; NCT99999999")
    assert "NCT01234567: completed, no results posted, last updated 2025-09-30 (registry status as of 2026-11)" in text
    # A status read on a copy says where it was read, never "registry status as of".
    mirrored = cited.registry_status_text("NCT07654321")
    assert "read on a third-party mirror (Example mirror), 2026-11" in mirrored and "as of" not in mirrored
    assert "NCT99999999: registry status not checked yet" in text
    assert cited.registry_status_text("") == ""
    box = cited.notice_html("nieto2025allogeneic")
    assert "Correction" in box and "10.1038/s41591-025-03852-y" in box and "November 2026 evidence sweep" in box
    assert cited.notice_html("no-such-key") == ""


def test_footer_date_is_the_newest_search_and_covers_the_listed_chapters(book):
    date, covers = footer.searched(book)
    assert date == "2026-11" and "chapters/outlook" in covers and "chapters/glossary" not in covers
    (book / "data" / "searches.csv").write_text((book / "data" / "searches.csv").read_text()
                                                + "2027-01-04-pubmed,pubmed,2027-01-04,2026-11-30,2027-01-04,q,0,\n")
    assert footer.searched(book)[0] == "2027-01-04"
    assert footer.when("2026-11") == "in 2026-11" and footer.when("2027-01-04") == "on 2027-01-04"


def test_write_all_changes_every_file_or_none(tmp_path, monkeypatch):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("old a\n")
    second.write_text("old b\n")
    real = log_tables.os.fdopen
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(log_tables.os, "fdopen", failing)
    with pytest.raises(OSError):
        log_tables.write_all({first: "new a\n", second: "new b\n"})
    assert (first.read_text(), second.read_text()) == ("old a\n", "old b\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"], "no temporary file is left"
    monkeypatch.setattr(log_tables.os, "fdopen", real)
    assert log_tables.write_all({first: "new a\n", second: "old b\n"}) == [first], "unchanged files are not rewritten"


def test_entrez_requests_are_pointed_at_the_configured_base_url(monkeypatch):
    monkeypatch.setenv("REVIEWKIT_PUBMED_URL", "http://127.0.0.1:9/mirror/")
    handler = pubmed._Redirect("http://127.0.0.1:9/mirror/")
    request = urllib.request.Request(pubmed.ENTREZ_BASE + "esearch.fcgi?db=pubmed&term=x")
    handler.https_request(request)
    assert request.full_url == "http://127.0.0.1:9/mirror/esearch.fcgi?db=pubmed&term=x"
    assert request.timeout == pubmed.TIMEOUT


def test_markup_is_dropped_and_letters_kept_when_a_record_is_made():
    from reviewkit.watch.candidates import plain_text

    record = Record(["europepmc"], title="Armed <i>in vivo</i>: CD16<sup>+</sup> &amp; <b>γδ</b> T cells", pmid="1",
                    authors="Müller &Aacute;, Zhāng W", abstract="<h4>Methods</h4>Twelve &lt;i&gt;patients&lt;/i&gt;.")
    assert record.title == "Armed in vivo: CD16+ & γδ T cells"
    assert record.authors == "Müller Á, Zhāng W"
    assert record.abstract == "Methods Twelve patients."
    assert plain_text("IL-15 < 5 ng/mL and CD3 > 2") == "IL-15 < 5 ng/mL and CD3 > 2", "a bare < is text"
    assert plain_text("a\n  b") == "a b"


@pytest.mark.parametrize("registry_id, key, watched", [
    ("NCT04074746", "nct", True), ("ChiCTR2000012345", "chictr", False), ("ChiCTR-IIR-17012345", "chictr", False),
    ("ISRCTN12345678", "isrctn", False), ("2023-500123-45-00", "euct", False), ("2015-001234-56", "eudract", False),
    ("U1111-1234-5678", "who_utn", False),
])
def test_each_registry_format_is_recognised_and_linked(registry_id, key, watched):
    from reviewkit.model import registries

    registry = registries.registry_of(registry_id)
    assert registry.key == key and (registry.watched_by is not None) == watched
    assert registries.link(registry_id).startswith("https://") and registry_id in registries.link(registry_id)
    assert watched or registry.why_not, "an unwatched registry says why"


@pytest.mark.parametrize("registry_id", ["NCT0407474", "nct04074746", "ChiCTR12345", "ISRCTN1234567", "2023-50012-45-00",
                                         "U1111-123-5678", "CTRI/2020/01/022636"])
def test_malformed_or_unknown_registry_ids_are_not_recognised(registry_id):
    from reviewkit.model import registries

    assert registries.registry_of(registry_id) is None and registries.link(registry_id) is None


def _entry_anchor(key: str) -> str:
    """The id the references page gives the entry of ``key`` (or one it would give an unknown key)."""
    from reviewkit.sphinx import citations

    return citations.anchors().get(key, f"cite-unknown-{key}")


def citing_paragraph(*parts):
    from docutils import nodes

    paragraph = nodes.paragraph()
    for part in parts:
        paragraph += (nodes.reference("", part[1], refuri=f"references.html#{_entry_anchor(part[0])}")
                      if isinstance(part, tuple) else nodes.Text(part))
    section = nodes.section()
    section += paragraph
    return section, paragraph


def test_every_citation_of_a_flagged_work_gets_one_mark(book):
    from reviewkit.sphinx import notice_marks

    notices = book / "data" / "notices.csv"
    notices.write_text(notices.read_text(encoding="utf-8") + "10.9/retraction,lum2015targeted,10.1/x,retraction,"
                       "Retraction,10.9/retraction,,2027-01-02,crossref,2027-01-04,\n", encoding="utf-8")
    (book / "data" / "watch_coverage.csv").write_text(
        "watched_id,reference,watched_by,outcome,checked,note\n"
        "doi:10.2/y,dagher2023forks,crossref,not_found,2027-01-04,Crossref does not know this DOI\n", encoding="utf-8")
    found = notice_marks.marks()
    assert found["lum2015targeted"].text == "Retracted 2027-01-02" and found["lum2015targeted"].grave
    assert found["lum2015targeted"].url == "https://doi.org/10.9/retraction"
    assert found["dagher2023forks"].text.startswith("not watched: Crossref does not know")
    assert "nieto2025allogeneic" in found and not found["nieto2025allogeneic"].grave
    # "Lum et al. (2015)" as two links is one citation; a later citation in the same paragraph is another.
    tree, paragraph = citing_paragraph(("lum2015targeted", "Lum et al."), " (", ("lum2015targeted", "2015"),
                                       ") showed it, as did others ", ("lum2015targeted", "Lum et al., 2015"), "; ",
                                       ("unflagged2020", "Other, 2020"), " and ", ("dagher2023forks", "Dagher, 2020"))
    assert notice_marks.add_marks(tree, found) == 3
    text = paragraph.astext()
    assert text.count("(Retracted 2027-01-02)") == 2 and "(2015 (Retracted 2027-01-02))" in text
    assert "Lum et al., 2015 (Retracted" in text and "Other, 2020 (" not in text
    assert "Dagher, 2020 (not watched: Crossref does not know" in text


def test_no_flagged_work_no_mark(book):
    from reviewkit.sphinx import notice_marks

    tree, paragraph = citing_paragraph(("unflagged2020", "Other, 2020"))
    assert notice_marks.add_marks(tree, notice_marks.marks()) == 0 and paragraph.astext() == "Other, 2020"


def test_citations_in_tables_get_the_same_mark(book):
    from docutils import nodes

    from reviewkit.sphinx import notice_marks
    from reviewkit.sphinx.data_table import build

    found = notice_marks.marks()
    flagged, plain = (nodes.paragraph("", "", nodes.reference("", label, refuri=f"references.html#{_entry_anchor(key)}"))
                      for key, label in (("nieto2025allogeneic", "Nieto et al., 2025"), ("park2021potent", "Park, 2021")))
    table = build(["Reference", "Reference"], [[flagged, plain]])
    assert notice_marks.add_marks(table, found) == 1
    assert flagged.astext() == "Nieto et al., 2025 (Corrected 2025-08)" and plain.astext() == "Park, 2021"
    mark = next(flagged.findall(lambda n: "reviewkit-notice-mark" in getattr(n, "get", lambda *_: [])("classes", [])))
    assert mark.next_node(nodes.reference)["refuri"] == "https://doi.org/10.1038/s41591-025-03852-y"