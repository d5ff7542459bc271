"""What chapters may contain, what built pages may contain, and the Content-Security-Policy."""

from __future__ import annotations

import base64
import hashlib

import pytest
from bs4 import BeautifulSoup

from reviewkit.sphinx.security import csp, page_policy
from reviewkit.checks import html_policy
from reviewkit.model import mystdoc


def problems(text):
    return html_policy.text_problems("chapters/x.md", text)


@pytest.mark.parametrize("markup, says", [
    ("<script>alert(1)</script>", "<script> runs code"),
    ("<img src=x onerror=alert(1)>", "onerror handler runs code"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe> embeds another page"),
    ('<a href="javascript:alert(1)">x</a>', "javascript: URL"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript: URL"),
    ('<img src="https://evil.example/x.png">', "loads from another host"),
    ('<object data="x.swf"></object>', "<object>"),
    ("<embed src=x.swf>", "<embed>"),
    ('<style>body{background:url(https://evil.example)}</style>', "<style>"),
    ('<div style="display:none">x</div>', "hides content"),
    ("<div hidden>x</div>", "hides content"),
    ("<details><summary>more</summary>x</details>", "<details>"),
    ("<!-- a comment -->", "comment"),
    ("<b>bold</b>", "HTML markup"),
    ('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', "javascript: URL"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "<meta>"),
])
def test_raw_html_is_rejected_and_described(markup, says):
    found = problems(f"# Title\n\nSome text.\n\n{markup}\n")
    assert len(found) == 1, found
    assert found[0].line == 5 and "raw HTML is not allowed" in found[0].message and says in found[0].message
    assert "MyST" in found[0].fix


def test_inline_html_is_one_problem_per_line():
    found = problems("Text with <span onclick=alert(1)>a handler</span> inside.\n")
    assert len(found) == 1 and found[0].line == 1


def test_raw_html_inside_a_directive_is_found_with_its_line():
    found = problems("# T\n\n:::{note}\nA note.\n\n<script>alert(1)</script>\n:::\n")
    assert [p.line for p in found] == [6]


def test_four_backtick_fences_and_nesting_are_read_as_myst_does():
    text = "````{note}\n```{code-cell} ipython3\nx = '<script>'\n```\n````\n"
    assert problems(text) == []  # code is not HTML


@pytest.mark.parametrize("text, says", [
    ("```{raw} html\n<b>x</b>\n```\n", "{raw}"),
    ("```{eval-rst}\n.. raw:: html\n\n   <script>x</script>\n```\n", "{eval-rst}"),
    ("```{include} ../README.md\n```\n", "{include}"),
    ("![chart](https://evil.example/x.png)\n", "another host"),
    ("```{figure} https://evil.example/x.png\nA caption.\n```\n", "another host"),
    ("```{image} ../assets/x.svg\n:target: javascript:alert(1)\n```\n", "link target"),
])
def test_directives_images_and_targets(text, says):
    found = problems(text)
    assert found and says in found[0].message


def test_code_and_links_of_the_book_are_fine():
    text = ("# T\n\nSee [the data](data.md), [a DOI](https://doi.org/10.1/x) and [mail](mailto:a@b.c).\n\n"
            "```{code-cell} ipython3\nprint('<script>')\n```\n\n![logo](../assets/favicon.svg)\n\n% a comment\n")
    assert problems(text) == []


@pytest.mark.parametrize("container", [
    "::::{dropdown} Details\n{inner}\n::::\n",
    "::::{only} html\n{inner}\n::::\n",
    "::::{note}\n:class: dropdown\n{inner}\n::::\n",
    "::::{admonition} x\n:class: tip hidden\n{inner}\n::::\n",
    "::::{toggle}\n{inner}\n::::\n",
    "::::{tab-set}\n:::::{tab-item} B\n{inner}\n:::::\n::::\n",
    "::::{div}\n:class: d-none\n{inner}\n::::\n",
])
def test_a_source_check_in_a_hidden_or_conditional_container_is_rejected(container):
    text = "# T\n\nA claim.\n\n" + container.replace("{inner}", ":::{source-check} SC01\n:::")
    found = [p for p in problems(text) if p.field == "SC01"]
    assert len(found) == 1 and "readers would not see the finding" in found[0].message


def test_a_source_check_in_a_visible_admonition_is_fine():
    text = "::::{admonition} Context\n:class: tip\n:::{source-check} SC01\n:::\n::::\n"
    assert problems(text) == []


def test_substitutions_in_front_matter_are_checked(book):
    from reviewkit.model.chapters import Chapter

    path = book / "chapters" / "sub.md"
    path.write_text("---\nsubstitutions:\n  bad: '<img src=x onerror=alert(1)>'\n---\n# T\n\n{{ bad }}\n")
    found = html_policy.check_chapters([Chapter.read(path)])
    assert len(found) == 1 and found[0].field == "substitutions.bad"


def test_directive_options_and_body_lines():
    [cell] = mystdoc.code_cells("# T\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n\nx = 1\n```\n")
    assert cell.options == {"tags": "[remove-cell]"} and cell.body_line == 5 and cell.body.strip() == "x = 1"


# ---------------------------------------------------------------- built pages
@pytest.mark.parametrize("body, says", [
    ("<script>alert(1)</script>", "<script>"),
    ('<script src="https://evil.example/x.js"></script>', "<script>"),
    ("<img src=x onerror=alert(1)>", "onerror"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe>"),
    ('<img src="https://evil.example/t.gif">', "another host"),
    ('<div style="background:url(https://evil.example)">x</div>', "style"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "meta"),
])
def test_page_content_is_policed_and_made_inert(body, says):
    policed, found = page_policy.police_body(f"<p>text</p>{body}")
    assert any(says in problem for problem in found), found
    soup = BeautifulSoup(policed, "html.parser")
    assert not any(attr.startswith("on") for tag in soup.find_all(True) for attr in tag.attrs)
    assert all(s.get("type") == page_policy.INERT_TYPE for s in soup.find_all("script"))
    assert "javascript:" not in policed and "https://evil.example" not in policed


def test_a_repeated_attribute_is_judged_by_every_value_and_made_inert_as_a_browser_reads_it():
    """A browser takes the first of a repeated attribute (BeautifulSoup's tree would keep the last)."""
    policed, found = page_policy.police_body('<p><a href="javascript:alert(1)" href="https://doi.org/x">x</a></p>')
    assert any("javascript:" in problem for problem in found) and "javascript:" not in policed
    # A bad value no browser reads is still a problem (the build fails on it), in the body and in the page.
    body = '<p><a href="https://doi.org/x" href="javascript:alert(1)">x</a></p>'
    assert any("javascript:" in problem for problem in page_policy.police_body(body)[1])
    assert any("javascript:" in problem for problem in page_policy.page_problems(f"<html><body>{body}</body></html>"))


def test_a_clean_body_is_returned_byte_for_byte():
    body = ('<div class="reviewkit-chart"><script type="application/json" class="reviewkit-chart-spec">{"a": 1}'
            '</script></div><p><a href="https://doi.org/10.1/x">doi</a> <img src="../_static/x.svg" alt=""></p>')
    assert page_policy.police_body(body) == (body, [])


def test_whole_page_rules_cover_the_templates():
    page = ('<html><head><script src="https://cdn.example/x.js"></script>'
            '<link rel="stylesheet" href="https://cdn.example/x.css"></head>'
            '<body><button onclick="x()">b</button><p class="title"><img src=x onerror=alert(1)></p></body></html>')
    found = page_policy.page_problems(page)
    assert any("cdn.example/x.js" in p for p in found) and any("stylesheet" in p for p in found)
    assert sum("event handler" in p for p in found) == 2


PAGE = """<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <script>document.documentElement.dataset.mode = "auto";</script>
    <script src="_static/x.js"></script>
    <script type="application/json">{"not": "run"}</script>
  </head>
  <body><button onclick="window.print()">print</button><button onclick="toggleFullScreen()">full</button></body>
</html>
"""


def test_the_policy_allows_the_templates_inline_scripts_by_hash_and_nothing_inline_else():
    page = csp.secure_page(PAGE)
    soup = BeautifulSoup(page, "html.parser")
    meta = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is not None and str(soup.head).index("Content-Security-Policy") < str(soup.head).index("<script")
    policy = dict(part.strip().split(" ", 1) for part in meta["content"].split(";"))
    digest = base64.b64encode(hashlib.sha256(b'document.documentElement.dataset.mode = "auto";').digest()).decode()
    assert policy["script-src"] == f"'self' 'sha256-{digest}'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
    assert policy["object-src"] == "'none'" and policy["default-src"] == "'self'"
    assert "onclick" not in page and page.count("data-reviewkit-action") == 2


def test_securing_twice_gives_the_same_page():
    once = csp.secure_page(PAGE)
    assert csp.secure_page(once) == once and once.count("Content-Security-Policy") == 1


def test_a_page_without_head_gets_the_policy_first():
    page = csp.secure_page('<meta http-equiv="Refresh" content="0; url=chapters/index.html" />')
    assert page.startswith('<meta http-equiv="Content-Security-Policy"')


def test_make_serves_reload_script_is_allowed_only_when_its_address_is_given():
    from sphinx_autobuild.middleware import web_socket_script

    served_script = BeautifulSoup(web_socket_script("127.0.0.1:8000"), "html.parser").script.string
    reload_hash = f"'sha256-{base64.b64encode(hashlib.sha256(served_script.encode()).digest()).decode()}'"
    assert reload_hash in csp.secure_page(PAGE, "127.0.0.1:8000") and "ws://127.0.0.1:8000" in csp.secure_page(
        PAGE, "127.0.0.1:8000")
    assert reload_hash not in csp.secure_page(PAGE) and "ws://" not in csp.secure_page(PAGE)
