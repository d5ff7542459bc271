"""The built site in a real headless Chromium (Debian's `chromium`, never a downloaded browser).

One browser and one tab serve the whole session; each page of _toc.yml is opened once and every per-page
check runs on that load. Nothing sleeps: each step waits for the condition it needs."""

from __future__ import annotations

import csv
import functools
import json
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from browser_support import serve, url_of
from browser_tab import DESKTOP, PHONE, Tab, wait_until  # noqa: F401 - fixtures: tests/site/conftest.py
from reviewkit.model import bibliography, paths, statuses
from reviewkit.model.toc import toc_files
from reviewkit.sphinx.evidence.source_checks import COMPACT_CLASS

pytestmark = pytest.mark.browser

PAGES = toc_files()
TABLES_JS = Path(__file__).resolve().parents[2] / "reviewkit" / "static" / "reviewkit-tables.js"


def built(site: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((site / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def pages_with(site: Path, selector: str) -> list[str]:
    """The toc pages whose built HTML contains ``selector`` (found without a browser, so no list is pinned)."""
    return [name for name in PAGES if built(site, name).select(selector)]


def chart_pages(site: Path) -> list[str]:
    return pages_with(site, "div.reviewkit-chart")


def words(text: str) -> str:
    """Whitespace collapsed and quotes plain (the site typesets quotes as “ ”)."""
    return " ".join(text.split()).translate(str.maketrans("“”‘’", "\"\"''"))


@functools.cache
def source_checks() -> dict[str, dict]:
    with (paths.data_dir() / "source_checks.csv").open(encoding="utf-8") as handle:
        return {row["check_id"]: row for row in csv.DictReader(handle)}


COMPACT, BOXES = f"details.{COMPACT_CLASS}", ".reviewkit-source-check:not(details)"
TABLE_CITES, WIDE = "figure.reviewkit-table .reviewkit-cite a.internal", "figure.reviewkit-table-wide, div.reviewkit-wide"
WIDE_SIZES = """() => {
    const paragraph = document.querySelector('.bd-article section > p');
    const text = paragraph ? paragraph.getBoundingClientRect().width : 0;
    return [...document.querySelectorAll('figure.reviewkit-table-wide, div.reviewkit-wide')].map(el => {
        const region = el.querySelector('.reviewkit-table-scroll, .pst-scrollable-table-container');
        return {wide: el.closest('div.cell, div.reviewkit-wide').getBoundingClientRect().width, text,
                scrolls: region.scrollWidth > region.clientWidth, focusable: region.tabIndex === 0};
    });
}"""


# Is a finding really seen? It has a size, CSS does not hide it (display, visibility, opacity, content-visibility,
# on it or an ancestor), and at its centre it is what the reader sees, not covered or clipped away.
VISIBLE = """el => {
    el.scrollIntoView({block: 'center'});
    const box = el.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) return 'has no size';
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return 'is hidden by CSS';
    const x = Math.min(Math.max(box.left + box.width / 2, 0), window.innerWidth - 1);
    const y = Math.min(Math.max(box.top + Math.min(box.height / 2, 20), 0), window.innerHeight - 1);
    const top = document.elementFromPoint(x, y);
    if (!top || !(el === top || el.contains(top))) return 'is covered or clipped (' + (top && top.tagName) + ')';
    return '';
}"""


OVERFLOW = """() => {
    const limit = document.documentElement.clientWidth;
    const wide = [];
    for (const el of document.querySelectorAll('.bd-article *')) {
        if (el.closest('.reviewkit-table-scroll, .table-wrapper, pre, .highlight, .pst-scrollable-table-container')) continue;
        if (el.parentElement && el.parentElement.closest('svg')) continue;  // judged by the svg itself
        const box = el.getBoundingClientRect();
        if (box.width > 0 && box.right > limit + 1) wide.push(el.tagName + '.' + el.className);
    }
    return {scroll: document.documentElement.scrollWidth, limit, wide: wide.slice(0, 5)};
}"""


@pytest.mark.site
@pytest.mark.parametrize("name", PAGES)
def test_page(tab, base_url, site, name):
    """On one load: no console error, nothing from another host, every chart drawn with its text alternative,
    no serious accessibility violation, every finding in a visible box or a compact mark that opens to it,
    tables citing by formatted links, wide tables wider than the text; then, at phone width, nothing
    overflows and every table that scrolls is a focusable region."""
    from axe_playwright_python.sync_playwright import Axe

    tab.open(f"{base_url}/{name}.html")
    expected = len(built(site, name).select("div.reviewkit-chart"))
    assert tab.charts_drawn() == expected
    for index in range(expected):
        container = tab.page.locator("div.reviewkit-chart").nth(index)
        assert len(container.get_attribute("aria-label")) > 20
        assert container.locator("svg, canvas").count() >= 1
        assert container.locator(".reviewkit-chart-fallback").is_hidden()

    tab.settled()
    assert tab.errors == []
    assert tab.foreign == [], "no request may leave 127.0.0.1"
    assert tab.page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
    assert tab.csp_violations() == [], "the page's own scripts and styles all pass its policy"

    violations = Axe().run(tab.page).response["violations"]
    assert [(v["id"], v["impact"], len(v["nodes"])) for v in violations if v["impact"] in ("serious", "critical")] == []
    # axe fetches the stylesheets itself and resolves their @import against the page, not the sheet (a 404 of
    # /basic.css that no reader's browser makes): what it loaded is not the page's.
    tab.errors.clear(), tab.foreign.clear()

    checks = source_checks()
    boxes = tab.page.locator(BOXES)
    for index in range(boxes.count()):
        box = boxes.nth(index)
        check_id = box.get_attribute("id").removeprefix("source-check-").upper()
        assert not statuses.is_compact(checks[check_id]["status"]), f"{check_id} agrees with its source: compact"
        assert box.evaluate(VISIBLE) == "", f"source check {check_id} {box.evaluate(VISIBLE)}"
        text = words(box.inner_text())
        assert words(checks[check_id]["primary_source_value"]) in text and checks[check_id]["status"] in text

    marks = tab.page.locator(COMPACT)
    for index in range(marks.count()):
        mark = marks.nth(index)
        check = checks[mark.get_attribute("id").removeprefix("source-check-").upper()]
        assert mark.evaluate(VISIBLE) == "", f"the mark of {mark.get_attribute('id')} {mark.evaluate(VISIBLE)}"
        finding = mark.locator(".reviewkit-source-check-body")
        assert finding.is_hidden()
        summary = mark.locator("summary")
        summary.focus()
        tab.page.keyboard.press("Enter")  # keyboard first: a <summary> is a native button
        finding.wait_for(state="visible", timeout=3000)
        assert words(check["primary_source_value"]) in words(finding.inner_text())
        summary.click()
        finding.wait_for(state="hidden", timeout=3000)

    keys, anchors = set(bibliography.keys()), {tag["id"] for tag in built(site, "chapters/references").find_all(id=True)}
    links = tab.page.locator(TABLE_CITES)
    for index in range(links.count()):
        link = links.nth(index)
        assert link.inner_text().strip() not in keys, "a citation shows its author and year, not its key"
        target = tab.page.evaluate("a => a.href", link.element_handle())
        assert target.split("#")[0].endswith("/chapters/references.html") and target.split("#", 1)[1] in anchors, target

    for size in tab.page.evaluate(WIDE_SIZES):
        assert size["wide"] > size["text"] * 1.2, size
        assert size["focusable"] or not size["scrolls"], size

    # At phone width charts re-layout and the theme re-marks scrolling regions (debounced): wait for the page to
    # settle into the state asserted below; if it never does, the assertions say how it differs.
    tab.page.set_viewport_size({"width": PHONE, "height": 900})
    wait_until(tab, f"""() => ({OVERFLOW})().wide.length === 0
        && document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1
        && ({WIDE_SIZES})().every(size => size.focusable || !size.scrolls)""")
    overflow = tab.page.evaluate(OVERFLOW)
    assert overflow["scroll"] <= overflow["limit"] + 1, overflow
    assert overflow["wide"] == []
    for size in tab.page.evaluate(WIDE_SIZES):
        assert size["focusable"] or not size["scrolls"], size

    tab.settled()
    assert tab.errors == []
    assert tab.foreign == [], "no request may leave 127.0.0.1"


@pytest.mark.site
def test_the_per_page_checks_have_something_to_check(site):
    """The book has what test_page exercises: charts, compact checks, boxed findings, citing tables, wide tables."""
    for selector in ("div.reviewkit-chart", COMPACT, BOXES, TABLE_CITES, WIDE):
        assert pages_with(site, selector), selector


@pytest.mark.site
def test_an_audit_link_opens_its_compact_check(tab, base_url):
    compact = [check_id for check_id, row in source_checks().items() if statuses.is_compact(row["status"])]
    assert compact, "the audit has no check that agrees with its source"
    tab.open(f"{base_url}/chapters/evidence-audit.html")
    anchor = f"source-check-{compact[0].lower()}"
    tab.page.locator(f"#{anchor}-row a[href$='#{anchor}']").click()
    tab.page.wait_for_url(f"**#{anchor}")
    tab.page.wait_for_function("id => document.getElementById(id).open", arg=anchor, timeout=3000)
    assert tab.page.locator(f"#{anchor}").locator(".reviewkit-source-check-body").is_visible()


@pytest.mark.site
def test_following_a_table_citation_lands_on_its_entry(tab, base_url, site):
    name = pages_with(site, TABLE_CITES)[0]
    href = built(site, name).select_one(TABLE_CITES)["href"]
    tab.open(f"{base_url}/{name}.html")
    tab.page.locator(f"{TABLE_CITES}[href='{href}']").first.click()
    tab.page.wait_for_url("**/chapters/references.html#*")
    entry = tab.page.locator(f"[id='{href.split('#', 1)[1]}']")
    entry.wait_for(state="visible")
    assert entry.bounding_box()["y"] < 900


@pytest.mark.site
def test_hovering_a_mark_shows_its_tooltip(tab, base_url, site):
    name = chart_pages(site)[0]
    tab.open(f"{base_url}/{name}.html")
    tab.charts_drawn()
    specs = [json.loads(s.string) for s in built(site, name).select("script.reviewkit-chart-spec")]
    index = next(i for i, spec in enumerate(specs) if '"tooltip"' in json.dumps(spec))
    chart = tab.page.locator("div.reviewkit-chart").nth(index)
    chart.scroll_into_view_if_needed()
    mark = chart.locator("g.role-mark path").first
    mark.hover(force=True)
    tooltip = tab.page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5000)
    assert tooltip.inner_text().strip()


@pytest.mark.site
def test_search_finds_a_chapter_by_a_word_of_its_title(tab, base_url, site):
    name = PAGES[1]
    title = built(site, name).h1.get_text(" ", strip=True)
    word = max(re.findall(r"[A-Za-z]{5,}", title), key=len)
    tab.open(f"{base_url}/search.html?q={word}")
    results = tab.page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=15000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any(name.split("/")[-1] in href for href in hrefs), (word, hrefs)


@pytest.mark.site
def test_without_javascript_charts_show_their_static_image(browser, base_url, site):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/{chart_pages(site)[0]}.html", wait_until="load")
        images = page.locator("img.reviewkit-chart-static")
        assert images.count() == page.locator("div.reviewkit-chart").count() >= 1
        first = images.first
        first.scroll_into_view_if_needed()
        assert first.is_visible()
        page.wait_for_function("img => img.complete", arg=first.element_handle())
        assert page.evaluate("img => img.naturalWidth", first.element_handle()) > 100
    finally:
        context.close()


@pytest.mark.site
def test_audit_table_sorts_by_a_clicked_column(tab, base_url):
    tab.open(f"{base_url}/chapters/evidence-audit.html")
    table = tab.page.locator("table.reviewkit-source-check-table")
    headers = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    column = headers.index("Status") + 1
    table.locator("thead th").nth(column - 1).locator("button").click()
    statuses = table.locator(f"tbody tr td:nth-child({column})").all_inner_texts()
    assert statuses == sorted(statuses, key=str.casefold) and len(set(statuses)) > 1
    assert table.locator("thead th").nth(column - 1).get_attribute("aria-sort") == "ascending"


SORTABLE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>sort</title><link rel="icon" href="data:,"></head><body>
<table class="reviewkit-sortable"><thead><tr><th>Name</th><th>Date</th><th>Value</th></tr></thead><tbody>
<tr><td>beta</td><td>2025-07-22</td><td>92.9</td></tr>
<tr><td>Alpha</td><td>2019-12-01</td><td>8 × 10¹⁰</td></tr>
<tr><td>gamma 10</td><td></td><td>1,200</td></tr>
<tr><td>gamma 9</td><td>2025-05-10</td><td>-3</td></tr>
<tr><td>delta</td><td>2019-02-28</td><td></td></tr>
</tbody></table><script src="reviewkit-tables.js"></script></body></html>"""


@pytest.fixture(scope="module")
def sortable_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sortable")
    (folder / "index.html").write_text(SORTABLE, encoding="utf-8")
    (folder / "reviewkit-tables.js").write_text(TABLES_JS.read_text(encoding="utf-8"), encoding="utf-8")
    server = serve(folder)
    yield f"{url_of(server)}/index.html"
    server.shutdown()


@pytest.mark.parametrize("column, ascending", [
    ("Date", ["2019-02-28", "2019-12-01", "2025-05-10", "2025-07-22", ""]),
    ("Value", ["-3", "92.9", "1,200", "8 × 10¹⁰", ""]),
    ("Name", ["Alpha", "beta", "delta", "gamma 9", "gamma 10"]),
])
def test_sortable_table_sorts_dates_as_dates_numbers_as_numbers_and_text_as_text(tab, sortable_url, column, ascending):
    tab.open(sortable_url)
    table = tab.page.locator("table.reviewkit-sortable")
    index = ["Name", "Date", "Value"].index(column)
    button = table.locator("thead th").nth(index).locator("button")
    cells = table.locator(f"tbody tr td:nth-child({index + 1})")
    button.click()
    assert cells.all_inner_texts() == ascending
    button.click()
    filled = [value for value in ascending if value]
    assert cells.all_inner_texts() == filled[::-1] + [value for value in ascending if not value]
    assert table.locator("thead th").nth(index).get_attribute("aria-sort") == "descending"
    assert tab.errors == []


@pytest.mark.build
def test_injected_markup_never_runs(tab, injected_site):
    """The page of a build whose data carries markup: drawing its chart and table runs none of it (what the
    HTML contains is checked in tests/sphinx/test_build.py)."""
    server = serve(injected_site)
    try:
        tab.open(f"{url_of(server)}/chapters/injection.html")
        assert tab.charts_drawn() >= 1
        tab.settled()
        assert tab.dialogs == []
        assert tab.page.locator("img[src='x']").count() == 0
    finally:
        server.shutdown()


# ---------------------------------------------------------------- hostile input in the browser
# No injected script runs on any page, the Content-Security-Policy blocks what would get past every other
# defence, and the theme's buttons (and make serve's reload script) still work under it. Every page's own
# policy check and every finding's visibility are per-page checks of test_page above.
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
                       if "_static" not in p.parts and "_sources" not in p.parts
                       and 'http-equiv="Refresh"' not in p.read_text(encoding="utf-8"))  # the root's redirect
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

    from reviewkit.sphinx.security import csp

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
