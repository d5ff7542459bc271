"""Benchmark of the living book: builds, page weight, time to first chart (`make bench`).

Builds a private copy of the book (your _build is untouched) and measures, in one run:
- a full clean build, a no-op rebuild, and a rebuild after editing one CSV cell, with the number of
  chapters executed in each (from the build report);
- page weight of every chapter page: HTML, the scripts and styles it loads, and the chart data it embeds;
  and the bytes of a first visit (page plus everything it loads);
- the time from navigation to the first chart drawn, in headless Chromium on 127.0.0.1.
Prints a table and JSON, and writes the JSON to _build/bench.json. Figures, not pass/fail tests.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
EDIT_TABLE, EDIT_COLUMN = "glossary.csv", "expansion"
TARGETS = {"noop_over_full": 0.15, "one_csv_over_full": 0.35}


def build(root: Path) -> tuple[float, list[str]]:
    started = time.perf_counter()
    result = subprocess.run([str(BIN / "jupyter-book"), "build", str(root), "--warningiserror", "--keep-going"],
                            cwd=root, env={**os.environ, "REVIEWKIT_ROOT": str(root)}, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"bench: the build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    report = json.loads((root / "_build" / "reviewkit-build.json").read_text())
    executed = sorted(doc for doc, info in report["chapters"].items() if info["executed_this_build"])
    return elapsed, executed


def edit_one_cell(root: Path) -> str:
    path = root / "data" / EDIT_TABLE
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    column = rows[0].index(EDIT_COLUMN)
    rows[1][column] += " (benchmark edit)"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return f"data/{EDIT_TABLE} row {rows[1][0]}, column {EDIT_COLUMN}"


def page_weights(site: Path) -> dict:
    pages = {}
    first_visit = {}
    for html_path in sorted((site / "chapters").glob("*.html")):
        soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
        assets = [el.get("src") or el.get("href") for el in soup.select("script[src], link[rel=stylesheet][href]")]
        asset_bytes = 0
        for url in assets:
            target = (html_path.parent / url.split("?")[0]).resolve()
            if target.is_file():
                asset_bytes += target.stat().st_size
        chart_data = sum(len(s.string or "") for s in soup.select("script.reviewkit-chart-spec"))
        bundle = sum((html_path.parent / u.split("?")[0]).resolve().stat().st_size for u in assets if "vega-bundle." in u)
        html_bytes = html_path.stat().st_size
        pages[html_path.stem] = {"html": html_bytes, "embedded_chart_data": chart_data,
                                 "scripts_and_styles": asset_bytes, "of_which_vega_bundle": bundle}
        first_visit[html_path.stem] = html_bytes + asset_bytes
    bundles = [p.name for p in (site / "_static").glob("vega-bundle.*.js")]
    return {"pages": pages, "first_visit_bytes": first_visit, "vega_bundle_files": bundles}


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def end_headers(self):
        # Fingerprinted assets may be cached forever: a new bundle gets a new name.
        if re.search(r"vega-bundle\.[0-9a-f]{12}\.js$", self.path):
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        super().end_headers()


def time_to_first_chart(site: Path, pages: list[str]) -> dict:
    chromium = shutil.which("chromium")
    if not chromium:
        return {"skipped": "Debian's chromium is not installed"}
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    timings = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
            for name in pages:
                context = browser.new_context()
                page = context.new_page()
                requests = []
                page.on("request", lambda r: requests.append(r.url))
                page.goto(f"http://127.0.0.1:{server.server_port}/chapters/{name}.html")
                page.wait_for_selector("div.reviewkit-chart[data-drawn]", timeout=30000)
                first = page.evaluate("() => performance.now()")
                timings[name] = {"first_chart_ms": round(first), "vega_bundle_requests":
                                 sum("vega-bundle." in u for u in requests)}
                # A second page in the same context: the bundle should come from the cache.
                page.goto(f"http://127.0.0.1:{server.server_port}/chapters/{name}.html")
                page.wait_for_selector("div.reviewkit-chart[data-drawn]", timeout=30000)
                timings[name]["repeat_visit_first_chart_ms"] = round(page.evaluate("() => performance.now()"))
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return timings


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        root = Path(tmp) / "book"
        shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(".venv", "_build", "__pycache__", ".pytest_cache"))
        full, full_exec = build(root)
        noop, noop_exec = build(root)
        edited = edit_one_cell(root)
        one_csv, csv_exec = build(root)
        site = root / "_build" / "html"
        weights = page_weights(site)
        chart_pages = [name for name, w in weights["pages"].items() if w["embedded_chart_data"]]
        charts = time_to_first_chart(site, chart_pages)
    results = {
        "builds": {
            "full_clean": {"seconds": round(full, 1), "chapters_executed": len(full_exec)},
            "noop": {"seconds": round(noop, 1), "chapters_executed": len(noop_exec)},
            "one_csv_edit": {"seconds": round(one_csv, 1), "chapters_executed": len(csv_exec),
                             "edit": edited, "executed": csv_exec},
        },
        "ratios": {"noop_over_full": round(noop / full, 3), "one_csv_over_full": round(one_csv / full, 3)},
        "targets": TARGETS,
        "page_weight": weights,
        "time_to_first_chart": charts,
        "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]},
    }
    print(f"{'measure':58} {'value':>12}")
    for name, build_result in results["builds"].items():
        print(f"{name + ' build (s)':58} {build_result['seconds']:>12}   chapters executed: {build_result['chapters_executed']}")
    for name, value in results["ratios"].items():
        verdict = "meets" if value <= TARGETS[name] else "MISSES"
        print(f"{name:58} {value:>12}   target <= {TARGETS[name]} ({verdict})")
    for name, weight in weights["pages"].items():
        print(f"{'page ' + name + ' (KB html/data/assets)':58} {weight['html'] // 1024:>4}/{weight['embedded_chart_data'] // 1024:>3}/"
              f"{weight['scripts_and_styles'] // 1024:>4}")
    for name, timing in charts.items() if isinstance(charts, dict) else []:
        if isinstance(timing, dict):
            print(f"{'first chart ' + name + ' (ms)':58} {timing['first_chart_ms']:>12}   repeat visit: "
                  f"{timing['repeat_visit_first_chart_ms']} ms")
    print(json.dumps(results, indent=2))
    (ROOT / "_build").mkdir(exist_ok=True)
    (ROOT / "_build" / "bench.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
