"""In real headless Chromium: no injected script runs on any page, the Content-Security-Policy blocks what
would get past every other defence, and the theme's buttons still work under it. (Every page's own policy
check and every finding's visibility are per-page checks of test_browser.test_page.)"""

from __future__ import annotations

import shutil

import pytest

from browser_support import serve, url_of
from reviewkit.chapters import toc_files
from test_browser import Tab, base_url, browser, tab  # noqa: F401 - the browser suite's fixtures

pytestmark = pytest.mark.browser
PAGES = toc_files()
PWNED = "typeof window.__pwned"


@pytest.mark.site
def test_the_theme_buttons_work_under_the_policy(tab, base_url):
    tab.open(f"{base_url}/{PAGES[1]}.html")
    tab.page.evaluate("window.print = () => { window.__printed = true; }")
    button = tab.page.locator("[data-reviewkit-action='print']").first
    button.evaluate("b => b.click()")  # it sits in a dropdown menu; the listener is what is tested
    assert tab.page.evaluate("window.__printed === true")
    assert tab.page.locator("[onclick]").count() == 0
    assert tab.csp_violations() == [] and tab.errors == []


@pytest.mark.site
def test_the_policy_blocks_script_that_got_past_every_other_defence(tab, site, tmp_path):
    """Inject script into a copy of a real page after the build (as if every check had a hole): Chromium
    must run none of it, report each to the policy, and refuse each request to another host itself."""
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page_path = copy / f"{PAGES[1]}.html"
    html = page_path.read_text(encoding="utf-8")
    hostile = ('<script>window.__pwned = "inline";</script>'
               '<img id="hostile-img" src="../_static/missing.png" onerror="window.__pwned = \'handler\'">'
               '<a id="hostile-link" href="javascript:window.__pwned=\'link\'">x</a>'
               '<img src="https://evil.example/pixel.gif">'
               '<iframe src="https://evil.example/"></iframe>'
               '<script src="https://evil.example/x.js"></script>')
    page_path.write_text(html.replace("</article>", hostile + "</article>", 1), encoding="utf-8")
    server = serve(copy)
    blocked = {}

    def failed(request):
        blocked[request.url] = request.failure

    tab.page.on("requestfailed", failed)
    try:
        tab.open(f"{url_of(server)}/{PAGES[1]}.html")
        tab.page.locator("#hostile-link").evaluate("a => a.click()")
        tab.settled()
        assert tab.page.evaluate(PWNED) == "undefined"
        violations = " ".join(tab.csp_violations())
        for directive in ("script-src-elem", "script-src-attr", "img-src", "frame-src"):
            assert directive in violations, f"{directive} not enforced: {violations}"
        assert tab.foreign and all(blocked.get(url) == "csp" for url in tab.foreign), blocked
    finally:
        tab.page.remove_listener("requestfailed", failed)
        server.shutdown()


@pytest.mark.build
def test_no_injected_script_runs_on_any_page_of_a_hostile_build(tab, hostile_build):
    root, _ = hostile_build
    site = root / "_build" / "html"
    server = serve(site)
    try:
        pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                       if "_static" not in p.parts and "_sources" not in p.parts)
        assert "chapters/hostile.html" in pages and "chapters/references.html" in pages
        for name in pages:
            tab.open(f"{url_of(server)}/{name}")
            tab.settled()
            assert tab.dialogs == [], f"{name}: {tab.dialogs}"
            assert tab.page.evaluate(PWNED) == "undefined", name
            assert tab.foreign == [], name
        tab.open(f"{url_of(server)}/chapters/hostile.html")
        assert tab.page.locator("a[href^='javascript:' i]").count() == 0  # the links that were are inert
        assert "Hostile title" in tab.page.inner_text("body")
        tab.open(f"{url_of(server)}/chapters/references.html")
        assert "A reference whose url runs script" in tab.page.inner_text("body")
        assert tab.page.locator("a[href^='javascript:' i]").count() == 0
    finally:
        server.shutdown()


@pytest.mark.site
def test_make_serves_reload_script_runs_under_the_policy(tab, site, tmp_path):
    """`make serve` (sphinx-autobuild) appends a reload script to every page; built for it, the policy allows
    exactly that script."""
    from sphinx_autobuild.middleware import web_socket_script

    from reviewkit import csp

    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page_path = copy / f"{PAGES[1]}.html"
    page_path.write_text(csp.secure_page(page_path.read_text(encoding="utf-8"), "127.0.0.1:8000")
                         + web_socket_script("127.0.0.1:8000"), encoding="utf-8")
    server = serve(copy)
    try:
        tab.open(f"{url_of(server)}/{PAGES[1]}.html")
        tab.settled()
        assert tab.page.evaluate("typeof ws") == "object", "the reload script ran"
        assert tab.csp_violations() == []
    finally:
        server.shutdown()
