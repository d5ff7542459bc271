"""The built site in a real headless Chromium (Debian's `chromium`, never a downloaded browser)."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from reviewkit.chapters import toc_files

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]
PAGES = [entry for entry in toc_files()]
CHART_PAGES = ["chapters/car-t-and-car-nk-cells", "chapters/bsab-armed-t-cells-solid-tumours",
               "chapters/bsab-armed-nk-cells-haematological-cancers", "chapters/evidence-audit"]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    message = ("Debian's Chromium is not installed, so the browser tests cannot run. "
               "Install it with `apt-get install chromium` (.ci/run does this).")
    if os.environ.get("CI"):
        pytest.fail(message + " Under CI this is a failure, not a skip.")
    pytest.skip(message)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def base_url(site):
    server = serve(site)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """A page opened in a fresh context, recording console errors, failed loads and foreign requests."""

    def __init__(self, browser, url, width=1280):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.errors, self.foreign, self.dialogs = [], [], []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.foreign.append(r.url)
                     if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(url, wait_until="load")

    def charts_drawn(self, timeout=15000):
        count = self.page.locator("div.reviewkit-chart").count()
        if count:
            self.page.wait_for_function(
                "n => document.querySelectorAll('div.reviewkit-chart[data-drawn]').length === n", arg=count,
                timeout=timeout)
        return count

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser):
    opened = []

    def open_page(url, **kwargs):
        opened.append(Visit(browser, url, **kwargs))
        return opened[-1]

    yield open_page
    for page in opened:
        page.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_cleanly_and_offline(visit, base_url, name):
    page = visit(f"{base_url}/{name}.html")
    page.charts_drawn()
    page.page.wait_for_timeout(300)
    assert page.errors == []
    assert page.foreign == [], "no request may leave 127.0.0.1"


@pytest.mark.parametrize("name", CHART_PAGES)
def test_every_chart_is_drawn_with_a_text_alternative(visit, base_url, name):
    page = visit(f"{base_url}/{name}.html")
    count = page.charts_drawn()
    assert count >= 1
    for index in range(count):
        container = page.page.locator("div.reviewkit-chart").nth(index)
        assert len(container.get_attribute("aria-label")) > 20
        assert container.locator("svg, canvas").count() >= 1
        assert container.locator(".reviewkit-chart-fallback").is_hidden()


def test_hovering_a_mark_shows_its_tooltip(visit, base_url):
    page = visit(f"{base_url}/chapters/bsab-armed-nk-cells-haematological-cancers.html")
    page.charts_drawn()
    chart = page.page.locator("#fig-afm13-outcomes div.reviewkit-chart, div.reviewkit-chart").first
    chart.scroll_into_view_if_needed()
    bar = chart.locator("g.mark-rect path").first
    bar.hover()
    tooltip = page.page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5000)
    assert "Percent" in tooltip.inner_text()


def test_search_finds_afm13_and_leads_to_the_nk_chapter(visit, base_url):
    page = visit(f"{base_url}/search.html?q=AFM13")
    results = page.page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=15000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any("bsab-armed-nk-cells-haematological-cancers" in href for href in hrefs)


@pytest.mark.parametrize("name", PAGES)
def test_nothing_overflows_a_phone_screen(visit, base_url, name):
    page = visit(f"{base_url}/{name}.html", width=390)
    page.charts_drawn()
    page.page.wait_for_timeout(300)
    overflow = page.page.evaluate("""() => {
        const limit = document.documentElement.clientWidth;
        const wide = [];
        for (const el of document.querySelectorAll('.bd-article *')) {
            if (el.closest('.reviewkit-table-scroll, .table-wrapper, pre, .highlight, .pst-scrollable-table-container')) continue;
            if (el.parentElement && el.parentElement.closest('svg')) continue;  // judged by the svg itself
            const box = el.getBoundingClientRect();
            if (box.width > 0 && box.right > limit + 1) wide.push(el.tagName + '.' + el.className);
        }
        return {scroll: document.documentElement.scrollWidth, limit, wide: wide.slice(0, 5)};
    }""")
    assert overflow["scroll"] <= overflow["limit"] + 1, overflow
    assert overflow["wide"] == []


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violations(visit, base_url, name):
    from axe_playwright_python.sync_playwright import Axe

    page = visit(f"{base_url}/{name}.html")
    page.charts_drawn()
    results = Axe().run(page.page)
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_injected_markup_never_runs(visit, injected_site):
    server = serve(injected_site)
    try:
        page = visit(f"http://127.0.0.1:{server.server_port}/chapters/injection.html")
        page.charts_drawn()
        page.page.wait_for_timeout(500)
        assert page.dialogs == []
        assert page.page.locator("img[src='x']").count() == 0
        assert "onerror=alert(1)" in page.page.locator("figure.reviewkit-table").inner_text()
    finally:
        server.shutdown()


def test_without_javascript_charts_show_their_static_image(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/chapters/bsab-armed-t-cells-solid-tumours.html", wait_until="load")
        images = page.locator("img.reviewkit-chart-static")
        assert images.count() == page.locator("div.reviewkit-chart").count() >= 1
        first = images.first
        first.scroll_into_view_if_needed()
        assert first.is_visible()
        assert page.evaluate("img => img.naturalWidth", first.element_handle()) > 100
    finally:
        context.close()


def test_audit_table_sorts_by_a_clicked_column(visit, base_url):
    page = visit(f"{base_url}/chapters/evidence-audit.html")
    table = page.page.locator("table.reviewkit-source-check-table")
    status_column = 6
    table.locator("thead th").nth(status_column - 1).locator("button").click()
    statuses = table.locator(f"tbody tr td:nth-child({status_column})").all_inner_texts()
    assert statuses == sorted(statuses, key=str.casefold) and len(set(statuses)) > 1
    assert table.locator("thead th").nth(status_column - 1).get_attribute("aria-sort") == "ascending"


def test_missing_chromium_is_a_skip_locally_and_a_failure_under_ci(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="Under CI this is a failure"):
        chromium_path()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        chromium_path()
