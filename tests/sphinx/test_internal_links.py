"""The build's check of the site's own links and anchors (reviewkit.sphinx.site_links, run by reviewkit.sphinx), on a
tiny made-up site."""

from __future__ import annotations

from pathlib import Path

from reviewkit.sphinx.site_links import internal_link_problems


def write(root: Path, name: str, body: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>", encoding="utf-8")


def test_exactly_the_broken_links_are_reported(tmp_path):
    write(tmp_path, "index.html", """
        <a id="top" href="chapters/page.html">good file</a>
        <a href="chapters/page.html#present">good anchor</a>
        <a href="chapters/page.html#named">good named anchor</a>
        <a href="chapters/">a folder means its index.html</a>
        <a href="#top">good anchor on this page</a>
        <a href="#nowhere">missing anchor on this page</a>
        <a href="chapters/gone.html">missing file</a>
        <a href="chapters/page.html#absent">missing anchor</a>
        <a href="chapters/my%20page.html">escaped name</a>
        <a href="https://example.org/missing.html#absent">external</a>
        <a href="mailto:someone@example.org">mail</a>
        <script src="//cdn.example.org/lib.js"></script>
        <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">
        <img src="_static/missing.png" alt="missing image">
        <link rel="stylesheet" href="_static/style.css">
    """)
    write(tmp_path, "chapters/page.html", '<h1 id="present">Page</h1><a name="named"></a><a href="../index.html#top">back</a>')
    write(tmp_path, "chapters/index.html", "<p>folder index</p>")
    write(tmp_path, "chapters/my page.html", "<p>a name with a space</p>")
    write(tmp_path, "_static/template.html", '<a href="not-checked.html">a file of a theme, not a page</a>')
    (tmp_path / "_static" / "style.css").write_text("p {}", encoding="utf-8")

    assert sorted(internal_link_problems(tmp_path)) == sorted([
        "index.html: link '#nowhere' points to a missing anchor",
        "index.html: link 'chapters/gone.html' points to a missing file",
        "index.html: link 'chapters/page.html#absent' points to a missing anchor",
        "index.html: link '_static/missing.png' points to a missing file",
    ])


def test_a_site_whose_links_all_resolve_has_no_problem(tmp_path):
    write(tmp_path, "index.html", '<a href="a.html#x">a</a>')
    write(tmp_path, "a.html", '<p id="x"><a href="index.html">home</a></p>')
    assert internal_link_problems(tmp_path) == []
