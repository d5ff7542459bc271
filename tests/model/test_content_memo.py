"""The memo of work done per content (reviewkit.model.content_memo, the check memo's store), and the steps that read the
finished site again on every build: securing and policing pages, checking the site's links. A page rewritten
by Sphinx or by hand is secured, policed and checked as it now is."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewkit.sphinx.security import csp
from reviewkit.model import content_memo
from reviewkit.sphinx import site_links
from reviewkit.model.content_memo import ContentMemo

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<script>var DOCUMENTATION_OPTIONS = {};</script></head>
<body><article class="bd-article"><h1 id="title">Title {n}</h1><p><a href="other.html#second">to other</a></p>
</article></body></html>"""
OTHER = """<!DOCTYPE html><html><head><meta charset="utf-8"></head>
<body><article class="bd-article"><h1 id="other">Other</h1><p id="second">x</p><a href="page.html">back</a>
</article></body></html>"""


@pytest.fixture
def pages(tmp_path) -> Path:
    outdir = tmp_path / "html"
    outdir.mkdir()
    (outdir / "page.html").write_text(PAGE.replace("{n}", "1"), encoding="utf-8")
    (outdir / "other.html").write_text(OTHER, encoding="utf-8")
    return outdir


def test_a_memo_returns_what_was_recorded_for_the_same_bytes_only(tmp_path):
    memo = ContentMemo(tmp_path / "memo.json", salt="s")
    memo.put("a.html", "<p>one</p>", ["value"])
    memo.save()
    again = ContentMemo(tmp_path / "memo.json", salt="s")
    assert again.get("a.html", "<p>one</p>") == ["value"]
    assert again.get("a.html", "<p>two</p>") is None, "other bytes: handled again"
    assert again.get("b.html", "<p>one</p>") is None
    assert ContentMemo(tmp_path / "memo.json", salt="other settings").get("a.html", "<p>one</p>") is None


def test_a_memo_keeps_only_the_pages_seen_in_its_last_run(tmp_path):
    memo = ContentMemo(tmp_path / "memo.json")
    memo.put("gone.html", "x")
    memo.put("kept.html", "y")
    memo.save()
    second = ContentMemo(tmp_path / "memo.json")
    assert second.get("kept.html", "y")
    second.save()
    assert ContentMemo(tmp_path / "memo.json").get("gone.html", "x") is None


@pytest.mark.parametrize("content", ["{not json", "[]", '{"salt": "", "pages": 3}', ""])
def test_an_unreadable_memo_means_handling_everything(tmp_path, content):
    (tmp_path / "memo.json").write_text(content, encoding="utf-8")
    assert ContentMemo(tmp_path / "memo.json").get("a.html", "x") is None


def test_a_page_rewritten_or_tampered_with_is_secured_and_policed_again(pages):
    csp.secure_site(pages)
    (pages / "page.html").write_text(PAGE.replace("{n}", "2"), encoding="utf-8")  # Sphinx wrote it again
    assert csp.secure_site(pages) == []
    assert "Content-Security-Policy" in (pages / "page.html").read_text(encoding="utf-8")
    tampered = (pages / "other.html").read_text(encoding="utf-8").replace("</p>", '</p><a href="javascript:alert(1)">x</a>', 1)
    (pages / "other.html").write_text(tampered, encoding="utf-8")
    for _ in range(2):  # a page with a problem is never remembered: reported on every build
        problems = csp.secure_site(pages)
        assert problems and all(p.startswith("other.html: ") for p in problems)


def test_a_new_live_reload_address_secures_every_page_again(pages):
    csp.secure_site(pages)
    csp.secure_site(pages, "127.0.0.1:8000")
    assert all("ws://127.0.0.1:8000" in p.read_text(encoding="utf-8") for p in pages.glob("*.html"))


def test_the_link_check_finds_an_anchor_gone_from_a_page_it_checked_before(pages):
    assert site_links.internal_link_problems(pages) == []
    (pages / "other.html").write_text(OTHER.replace('id="second"', 'id="renamed"'), encoding="utf-8")
    assert site_links.internal_link_problems(pages) == ["page.html: link 'other.html#second' points to a missing anchor"]


def test_digest_is_of_the_exact_bytes():
    assert content_memo.digest("a") == content_memo.digest(b"a") != content_memo.digest("a ")

def test_keep_confirms_the_recorded_keys_under_a_prefix_and_no_others(tmp_path):
    memo = ContentMemo(tmp_path / "memo.json", salt="s")
    for key in ("data", "data/a.csv", "data/b.csv", "chapters"):
        memo.put(key, key)
    memo.save()
    again = ContentMemo(tmp_path / "memo.json", salt="s")
    again.keep("data/")
    again.save()
    assert ContentMemo(tmp_path / "memo.json", salt="s").recorded() == {"data/a.csv", "data/b.csv"}
