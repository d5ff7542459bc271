"""The surveillance reaches the pages: a build of a copy shows the flow diagram, the notices and registry
status a chapter asks for, and footer dates; after `reviewkit watch` a rebuild shows what it found."""

from __future__ import annotations

import csv

import pytest
from bs4 import BeautifulSoup

import watch_server
from conftest import build, copy_book, partial_build, write_chapter
from reviewkit import cli
from reviewkit.model import paths

pytestmark = pytest.mark.build

CHAPTER = """
```{code-cell} ipython3
:tags: [remove-cell]
from IPython.display import HTML
from reviewkit.book import glue
from reviewkit.book import notices as cited
glue.glue_value("afm13_registry", cited.registry_status_text("NCT04074746"))
```

# A trial table's neighbour

Registry: {glue:text}`afm13_registry`. As {cite:t}`nieto2025allogeneic` reported in prose.

```{code-cell} ipython3
:tags: [remove-input]
HTML(cited.notice_html("nieto2025allogeneic"))
```
"""


def page(root, name):
    return BeautifulSoup((root / "_build" / "html" / "chapters" / f"{name}.html").read_text(), "html.parser")


def test_living_mode_notices_and_footer_dates_follow_the_watch(tmp_path, monkeypatch):
    root = copy_book(tmp_path / "book")
    entry = write_chapter(root, "cites-trial", ["data/notices.csv", "data/registry_status.csv"], CHAPTER)
    partial_build(root, ["chapters/living-mode", entry])
    result = build(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    living = page(root, "living-mode")
    svg = living.find("svg", class_="reviewkit-prisma")
    assert svg["role"] == "img" and svg.find("title") and svg.find("desc")
    with (root / "data" / "screening_decisions.csv").open(encoding="utf-8") as handle:
        full_text = [row for row in csv.DictReader(handle) if row["stage"] == "full_text"]
    excluded = {row["record_id"] for row in full_text if row["role"] == "resolution" and row["decision"] == "exclude"}
    included = len({row["record_id"] for row in full_text if row["decision"] == "include"} - excluded)
    assert f"New records included: {included}" in living.find("details").get_text()
    assert "surveillance/search-strategy.yml" not in living.find("dl", class_="reviewkit-strategy").get_text()
    assert "armed[tiab]" in living.find("dl", class_="reviewkit-strategy").get_text(), "the query, read from the file"
    footer = page(root, "index").find(class_="reviewkit-evidence-searched")
    assert "last searched in 2026-11" in " ".join(footer.get_text().split())
    assert page(root, "cites-trial").find(class_="reviewkit-evidence-searched") is None, "not a covered chapter"
    trial = page(root, "cites-trial")
    # The stored status was read on a copy of the record: the page says where, not "registry status as of".
    assert "NCT04074746: completed" in trial.get_text() and "read on a third-party mirror" in trial.get_text()
    notice = trial.find("aside", class_="reviewkit-notice")
    assert notice and "10.1038/s41591-025-03852-y" in notice.get_text()
    mark = trial.find(class_="reviewkit-notice-mark")
    assert mark and mark.get_text() == "Corrected 2025-08", "a prose citation carries the notice too"

    # A weekly run against fixture servers, then a rebuild: the pages show what it found.
    scenario = watch_server.Scenario()
    server, base = watch_server.start(scenario)
    try:
        for source in ("pubmed", "europepmc", "ctgov", "crossref"):
            monkeypatch.setenv(f"REVIEWKIT_{source.upper()}_URL", f"{base}/{source}/")
        monkeypatch.setenv("REVIEWKIT_CONTACT_EMAIL", "watch-tests@example.org")
        monkeypatch.setenv("REVIEWKIT_ROOT", str(root))
        paths.root.cache_clear()
        assert cli.main(["watch", "--today", "2026-12-03"]) == 0
    finally:
        server.shutdown()
        paths.root.cache_clear()
    result = build(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    living = page(root, "living-mode")
    assert "pmid41000001" in living.get_text() and "Awaiting screening: 5" in living.find("details").get_text()
    assert "CD16+ T cells in vivo" in living.get_text() and "&lt;sup" not in str(living), "titles are clean"
    footer = page(root, "index").find(class_="reviewkit-evidence-searched")
    assert "last searched on 2026-12-03" in " ".join(footer.get_text().split()), "rewritten though its text did not change"
    assert "registry status as of 2026-12-03" in page(root, "cites-trial").get_text()
