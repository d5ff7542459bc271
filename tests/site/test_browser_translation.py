"""The Chinese edition in headless Chromium, with the browser, server and tab of test_browser: each /zh/ page
loads under its policy without an error and fits a phone; the switcher opens the twin; Chinese search finds the
chapters of a glossary term."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from reviewkit.i18n import languages
from reviewkit.model.toc import toc_files
from browser_tab import PHONE, wait_until
from test_browser import OVERFLOW, built

pytestmark = pytest.mark.browser

PAGES = toc_files()
ZH = languages.edition("zh")


@pytest.mark.site
@pytest.mark.parametrize("name", PAGES)
def test_chinese_page(tab, base_url, site, name):
    """On one load: every chart drawn, no console error, nothing from another host, no policy violation; at
    phone width nothing overflows."""
    tab.open(f"{base_url}/{ZH.folder}/{name}.html")
    assert tab.charts_drawn() == len(built(site / ZH.folder, name).select("div.reviewkit-chart"))
    tab.settled()
    assert tab.page.evaluate("document.documentElement.lang").startswith("zh")
    assert tab.page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
    assert tab.csp_violations() == []
    assert tab.errors == []
    assert tab.foreign == [], "no request may leave 127.0.0.1"

    tab.page.set_viewport_size({"width": PHONE, "height": 900})
    wait_until(tab, f"""() => ({OVERFLOW})().wide.length === 0
        && document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1""")
    overflow = tab.page.evaluate(OVERFLOW)
    assert overflow["scroll"] <= overflow["limit"] + 1, overflow
    assert overflow["wide"] == []
    tab.settled()
    assert tab.csp_violations() == [] and tab.errors == []


@pytest.mark.site
@pytest.mark.parametrize("start, other", [("", ZH), (ZH.folder + "/", languages.edition(languages.SOURCE))],
                         ids=["en-to-zh", "zh-to-en"])
def test_clicking_the_switcher_opens_the_twin(tab, base_url, start, other):
    name = PAGES[1]
    tab.open(f"{base_url}/{start}{name}.html")
    switcher = tab.page.locator(f"a.reviewkit-language[hreflang='{other.html_lang}']")
    assert switcher.count() == 1
    switcher.click()
    twin = f"{base_url}/{other.folder + '/' if other.folder else ''}{name}.html"
    tab.page.wait_for_url(twin)
    assert tab.page.evaluate("document.documentElement.lang").split("-")[0] == other.html_lang.split("-")[0]
    assert tab.errors == []


@pytest.mark.site
def test_chinese_search_lists_the_chapters_of_a_glossary_term(tab, base_url):
    tab.open(f"{base_url}/{ZH.folder}/search.html?q={quote('双特异性抗体')}")
    results = tab.page.locator("#search-results ul.search li a")
    tab.page.wait_for_function("() => document.querySelector('#search-results')"
                               " && !document.querySelector('#search-progress')?.textContent.includes('…')"
                               " && document.querySelectorAll('#search-results ul.search li').length > 0",
                               timeout=15000)
    results.first.wait_for(timeout=15000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    for name in (n for n in PAGES if "bsab" in n):
        assert any(name.split("/")[-1] + ".html" in href for href in hrefs), (name, hrefs)
    assert tab.errors == []
