"""The browser tests' tab: one page reused page after page, recording what went wrong on the page last opened."""

from __future__ import annotations

DESKTOP, PHONE = 1280, 390


class Tab:
    """One tab, reused page after page; records console errors, failed loads, foreign requests and dialogs
    of the page last opened."""

    def __init__(self, browser, **options):
        self.context = browser.new_context(viewport={"width": DESKTOP, "height": 900}, **options)
        self.page = self.context.new_page()
        self.errors, self.foreign, self.dialogs = [], [], []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.errors.append(f"failed to load {r.url}"))
        self.page.on("response", lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        self.page.on("request", lambda r: self.foreign.append(r.url)
                     if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        # Every Content-Security-Policy violation of each page, from its first byte (see reviewkit/sphinx/security/csp.py).
        self.page.add_init_script("window.__cspViolations = []; document.addEventListener("
                                  "'securitypolicyviolation', e => window.__cspViolations.push("
                                  "e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));")

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations")

    def open(self, url: str, width: int = DESKTOP) -> "Tab":
        # Leave the page opened before first: a request it still had pending (its favicon, say) is cancelled now,
        # not by the next navigation, where its failure would be counted against the next page.
        self.page.goto("about:blank")
        self.errors.clear(), self.foreign.clear(), self.dialogs.clear()
        self.page.set_viewport_size({"width": width, "height": 900})
        self.page.goto(url, wait_until="load")
        return self

    def charts_drawn(self, timeout=15000) -> int:
        """Wait until every chart on the page is drawn (reviewkit-charts.js sets data-drawn); return their count."""
        count = self.page.locator("div.reviewkit-chart").count()
        if count:
            self.page.wait_for_function(
                "n => document.querySelectorAll('div.reviewkit-chart[data-drawn]').length === n", arg=count,
                timeout=timeout)
        return count

    def settled(self) -> None:
        """Fonts loaded and two frames painted: late layout and late console errors have happened."""
        self.page.evaluate("() => document.fonts.ready.then(() => new Promise(r => "
                           "requestAnimationFrame(() => requestAnimationFrame(r))))")

    def close(self):
        self.context.close()


def wait_until(tab: Tab, condition: str, timeout: int = 5000) -> None:
    """Wait for a JavaScript condition; the caller's assertions then report what still differs."""
    try:
        tab.page.wait_for_function(condition, timeout=timeout)
    except Exception:  # playwright's TimeoutError: judged by the assertions that follow
        pass
