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


# ---------------------------------------------------------------- source checks and citations
def _pages_with(site: Path, selector: str) -> list[str]:
    """The toc pages whose built HTML contains ``selector`` (found without a browser, so no list is pinned)."""
    from bs4 import BeautifulSoup

    return [name for name in PAGES if (site / f"{name}.html").is_file()
            and BeautifulSoup((site / f"{name}.html").read_text(encoding="utf-8"), "html.parser").select(selector)]


def _words(text: str) -> str:
    """Whitespace collapsed and quotes plain (the site typesets quotes as “ ”)."""
    return " ".join(text.split()).translate(str.maketrans("“”‘’", "\"\"''"))


def _checks() -> dict[str, dict]:
    import csv

    from reviewkit import paths

    with (paths.data_dir() / "source_checks.csv").open(encoding="utf-8") as handle:
        return {row["check_id"]: row for row in csv.DictReader(handle)}


def test_opening_a_compact_source_check_shows_its_finding(visit, base_url, site):
    from reviewkit.source_checks import COMPACT_CLASS

    pages = _pages_with(site, f"details.{COMPACT_CLASS}")
    assert pages, "no page shows a compact source check"
    checks = _checks()
    for name in pages:
        page = visit(f"{base_url}/{name}.html")
        marks = page.page.locator(f"details.{COMPACT_CLASS}")
        for index in range(marks.count()):
            mark = marks.nth(index)
            check = checks[mark.get_attribute("id").removeprefix("source-check-").upper()]
            finding = mark.locator(".reviewkit-source-check-body")
            assert finding.is_hidden()
            summary = mark.locator("summary")
            summary.focus()
            page.page.keyboard.press("Enter")  # keyboard first: a <summary> is a native button
            finding.wait_for(state="visible", timeout=3000)
            assert _words(check["primary_source_value"]) in _words(finding.inner_text())
            summary.click()
            finding.wait_for(state="hidden", timeout=3000)


def test_every_other_finding_is_visible_in_a_box(visit, base_url, site):
    from reviewkit import statuses

    checks = _checks()
    boxed = {check_id for check_id, row in checks.items() if not statuses.is_compact(row["status"])}
    seen = set()
    for name in _pages_with(site, ".reviewkit-source-check"):
        page = visit(f"{base_url}/{name}.html")
        boxes = page.page.locator(".reviewkit-source-check:not(details)")
        for index in range(boxes.count()):
            box = boxes.nth(index)
            check_id = box.get_attribute("id").removeprefix("source-check-").upper()
            box.scroll_into_view_if_needed()
            assert box.is_visible(), check_id
            text = _words(box.inner_text())
            assert _words(checks[check_id]["primary_source_value"]) in text and checks[check_id]["status"] in text
            seen.add(check_id)
    assert seen == boxed


def test_an_audit_link_opens_its_compact_check(visit, base_url, site):
    from reviewkit import statuses

    compact = [check_id for check_id, row in _checks().items() if statuses.is_compact(row["status"])]
    assert compact, "the audit has no check that agrees with its source"
    page = visit(f"{base_url}/chapters/evidence-audit.html")
    anchor = f"source-check-{compact[0].lower()}"
    page.page.locator(f"#{anchor}-row a[href$='#{anchor}']").click()
    page.page.wait_for_url(f"**#{anchor}")
    mark = page.page.locator(f"#{anchor}")
    page.page.wait_for_function("id => document.getElementById(id).open", arg=anchor, timeout=3000)
    assert mark.locator(".reviewkit-source-check-body").is_visible()


def test_tables_show_formatted_citations_that_lead_to_the_bibliography(visit, base_url, site):
    from reviewkit import bibliography

    keys = set(bibliography.keys())
    pages = _pages_with(site, "figure.reviewkit-table a.reviewkit-cite")
    assert pages, "no table cites a reference"
    targets = set()
    for name in pages:
        page = visit(f"{base_url}/{name}.html")
        links = page.page.locator("figure.reviewkit-table a.reviewkit-cite")
        for index in range(links.count()):
            link = links.nth(index)
            assert link.inner_text().strip() not in keys
            targets.add(page.page.evaluate("a => a.href", link.element_handle()))
    first = sorted(targets)[0]
    references = visit(first)  # following a link lands on its entry
    for target in sorted(targets):
        assert target.split("#")[0].endswith("/chapters/references.html")
        anchor = target.split("#", 1)[1]
        assert references.page.locator(f"[id='{anchor}']").count() == 1, target
    entry = references.page.locator(f"[id='{first.split('#', 1)[1]}']")
    entry.wait_for(state="visible")
    assert entry.bounding_box()["y"] < 900


@pytest.mark.parametrize("width", [1280, 390])
def test_wide_tables_use_the_pages_width_and_scroll_in_a_focusable_region(visit, base_url, site, width):
    pages = _pages_with(site, "figure.reviewkit-table-wide, div.reviewkit-wide")
    assert pages
    for name in pages:
        page = visit(f"{base_url}/{name}.html", width=width)
        sizes = page.page.evaluate("""() => {
            const text = document.querySelector('.bd-article section > p').getBoundingClientRect().width;
            return [...document.querySelectorAll('figure.reviewkit-table-wide, div.reviewkit-wide')].map(el => {
                const region = el.querySelector('.reviewkit-table-scroll, .pst-scrollable-table-container');
                return {wide: el.closest('div.cell, div.reviewkit-wide').getBoundingClientRect().width, text,
                        scrolls: region.scrollWidth > region.clientWidth, focusable: region.tabIndex === 0,
                        page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth};
            });
        }""")
        for size in sizes:
            assert size["page"] <= size["viewport"] + 1
            if width >= 992:
                assert size["wide"] > size["text"] * 1.2, (name, size)
            if size["scrolls"]:
                assert size["focusable"], (name, size)
