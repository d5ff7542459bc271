"""Benchmark of the living book: builds, page weight, time to first chart (`make bench`).

In one run, on this machine, side by side (your _build is untouched; every build is of a private copy):
- a clean build of an OLD commit (`make bench OLD=<commit>`: a git worktree of it, built in an environment of
  its own made from its requirements.lock, as its own `make venv` would, so that a commit from before a change
  of module paths or dependencies builds as it did) and a clean build of the working tree;
- rebuilds of the working tree: no-op, after editing one CSV cell, after editing only the prose of one
  chapter; each with the chapters it executed (from the build report); once as `make book` builds (Jupyter
  Book, printing the PDF edition) and once as `make serve` rebuilds on a saved change (sphinx-build with the
  settings the Makefile gives it: no PDF edition in the author's preview);
each as seconds and as a ratio to the working tree's clean build of the same run, against the targets below.
Each build is timed --repeat times and the fastest counts (the machine is shared: the fastest run is the one
least slowed by others); the CPU seconds of the build and its kernels are reported beside it.
Then the page weight of every chapter page and the time from navigation to the first chart in headless
Chromium on 127.0.0.1. Prints a table and writes JSON to _build/bench.json. Figures, not pass/fail tests.
"""

from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import io
import json
import os
import re
import resource
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
PROSE_EDIT = "\nA sentence added by the benchmark, in the prose only.\n"
# Ratios to the clean build of the working tree, measured in the same run: no path slower than the old
# commit's by more than 10%; an edit's rebuild a small share of a clean build. A no-op rebuild has no target:
# its floor is the start-up of Sphinx, myst-nb and sphinxcontrib-bibtex.
TARGETS = {"clean_over_old_clean": 1.1, "one_csv_over_clean": 0.25, "prose_only_over_clean": 0.15}
# What `make serve` adds to the build (Makefile): the author's preview prints no PDF edition.
SERVE_SETTINGS = ("-D", "reviewkit_pdf=0")
EDITS = ("noop", "one_csv", "prose_only")
COPY_IGNORE = shutil.ignore_patterns(".venv", "_build", "__pycache__", ".pytest_cache", "*.egg-info", "conf.py")
# Environments of old commits, one per requirements.lock, kept for later runs (`make clean` removes them).
OLD_VENVS = ROOT / "_build" / "bench-venvs"


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # finished children, and the kernels they reaped
    return usage.ru_utime + usage.ru_stime


def command(root: Path, mode: str, bin_dir: Path = BIN) -> list[str]:
    """The build as `make book` runs it (``book``: Jupyter Book, the PDF edition printed), or as `make serve`
    runs it on every saved change (``serve``: sphinx-build with the configuration Jupyter Book derives, no PDF
    edition), here with warnings as errors so that a broken build cannot pass for a fast one."""
    if mode == "book":
        return [str(bin_dir / "jupyter-book"), "build", str(root), "--warningiserror", "--nitpick", "--keep-going"]
    return [str(bin_dir / "sphinx-build"), str(root), str(built(root, mode) / "html"), "--doctree-dir",
            str(built(root, mode) / ".doctrees"), "--nitpicky", "-W", "--keep-going", *SERVE_SETTINGS]


def built(root: Path, mode: str) -> Path:
    """Where a build of ``mode`` writes its site, environment and report (as the Makefile's targets do)."""
    return root / "_build" / ("serve" if mode == "serve" else ".")


def build(root: Path, mode: str = "book", bin_dir: Path = BIN, **environment: str) -> tuple[float, float, list[str]]:
    """Wall and CPU seconds of one build of ``root`` (see command) with the environment whose commands are in
    ``bin_dir``, and the chapters it executed."""
    env = {**os.environ, "REVIEWKIT_ROOT": str(root), "PYTHONPATH": str(root), **environment}  # the copy's reviewkit
    if mode == "serve" and not (root / "conf.py").is_file():
        subprocess.run([str(bin_dir / "jupyter-book"), "config", "sphinx", str(root)], cwd=root, env=env, check=True,
                       capture_output=True)
    cpu, started = cpu_seconds(), time.perf_counter()
    result = subprocess.run(command(root, mode, bin_dir), cwd=root, env=env, capture_output=True, text=True)
    elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    if result.returncode != 0:
        sys.exit(f"bench: the build of {root} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    report = json.loads((built(root, mode) / "reviewkit-build.json").read_text())
    executed = sorted(doc for doc, info in report["chapters"].items() if info["executed_this_build"])
    return elapsed, cpu, executed


def fastest(root: Path, runs: int, prepare, mode: str = "book", bin_dir: Path = BIN, **environment: str) -> dict:
    """The fastest of ``runs`` builds, each after ``prepare(root)`` (an edit, or removing _build)."""
    timings = []
    for _ in range(runs):
        what = prepare(root)
        seconds, cpu, executed = build(root, mode, bin_dir, **environment)
        timings.append({"seconds": seconds, "cpu_seconds": cpu, "executed": executed, **({"edit": what} if what else {})})
    best = min(timings, key=lambda t: t["seconds"])
    return {**best, "all_seconds": [round(t["seconds"], 1) for t in timings]}


def clean(root: Path) -> None:
    shutil.rmtree(root / "_build", ignore_errors=True)


def old_tree(commit: str, target: Path) -> Path:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(target), commit], check=True,
                   capture_output=True, text=True)
    return target


def venv_key(lock: bytes) -> str:
    """The name of the environment made from a requirements.lock with these bytes."""
    return hashlib.sha256(lock).hexdigest()[:16]


def _pip(python: Path, *arguments: str) -> None:
    result = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *arguments],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"pip install {' '.join(arguments)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def old_venv(tree: Path) -> Path:
    """The bin folder of an environment for ``tree`` (an old commit's worktree), as its `make venv` makes it:
    its requirements.lock installed with hashes (once per lock: kept in OLD_VENVS and reused), then the tree's
    own package, editable, so that its entry points name its own modules (again on every run: the tree is new)."""
    venv = OLD_VENVS / venv_key((tree / "requirements.lock").read_bytes())
    complete = venv / ".installed-from-lock"
    if not complete.is_file():
        print(f"bench: making an environment for the old commit from its requirements.lock in {venv} "
              "(once per lock; a few minutes)", file=sys.stderr, flush=True)
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)  # on this environment's base Python
        _pip(venv / "bin" / "python", "--require-hashes", "--no-deps", "-r", str(tree / "requirements.lock"))
        complete.touch()
    _pip(venv / "bin" / "python", "--no-deps", "--no-build-isolation", "-e", str(tree))
    return venv / "bin"


def edit_one_cell(root: Path) -> str:
    path = root / "data" / EDIT_TABLE
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    column = rows[0].index(EDIT_COLUMN)
    rows[1][column] += " (benchmark edit)"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return f"data/{EDIT_TABLE} row {rows[1][0]}, column {EDIT_COLUMN}"


def edit_prose(root: Path) -> str:
    """Append a sentence to the first chapter of _toc.yml that has code cells (its code is unchanged)."""
    from reviewkit.model.chapters import all_chapters

    chapter = next(c for c in all_chapters(root) if c.has_code_cells)
    chapter.path.write_text(chapter.text + PROSE_EDIT, encoding="utf-8")
    return chapter.path.relative_to(root).as_posix()


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


def measure(old_commit: str | None, runs: int) -> dict:
    builds = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        if old_commit:
            old = old_tree(old_commit, Path(tmp) / "old")
            try:
                builds["old_clean"] = {"commit": old_commit, **fastest(old, runs, clean, bin_dir=old_venv(old))}
            finally:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], capture_output=True)
        root, preview = Path(tmp) / "book", Path(tmp) / "preview"
        for copy in (root, preview):
            shutil.copytree(ROOT, copy, ignore=COPY_IGNORE)
        # The same tree executing one chapter at a time: what parallel execution alone gains.
        builds["clean_serial"] = fastest(root, runs, clean, REVIEWKIT_EXECUTION_WORKERS="1")
        builds["clean"] = fastest(root, runs, clean)
        edits = {"noop": lambda root: None, "one_csv": edit_one_cell, "prose_only": edit_prose}
        for name, edit in edits.items():
            builds[name] = fastest(root, runs, edit)
        # The author loop: `make serve`'s builds, in their own copy (its settings differ, so its pages too).
        fastest(preview, 1, clean, "serve")
        for name, edit in edits.items():
            builds[f"serve_{name}"] = fastest(preview, runs, edit, "serve")
        site = root / "_build" / "html"
        weights = page_weights(site)
        chart_pages = [name for name, w in weights["pages"].items() if w["embedded_chart_data"]]
        charts = time_to_first_chart(site, chart_pages)
    clean_seconds = builds["clean"]["seconds"]
    ratios = {f"{prefix}{name}_over_clean": builds[prefix + name]["seconds"] / clean_seconds
              for prefix in ("", "serve_") for name in EDITS}
    ratios["clean_over_clean_serial"] = clean_seconds / builds["clean_serial"]["seconds"]
    if "old_clean" in builds:
        ratios = {"clean_over_old_clean": clean_seconds / builds["old_clean"]["seconds"], **ratios}
    for entry in builds.values():
        entry["seconds"], entry["cpu_seconds"] = round(entry["seconds"], 1), round(entry["cpu_seconds"], 1)
    return {"builds": builds, "ratios": {k: round(v, 3) for k, v in ratios.items()}, "targets": TARGETS,
            "page_weight": weights, "time_to_first_chart": charts,
            "runs": runs,
        "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0],
                        "load_average_1min": round(os.getloadavg()[0], 2)}}


def summary(results: dict) -> str:
    lines = [f"{'build (fastest of the runs)':40} {'seconds':>8} {'ratio':>7} {'target':>7}  verdict  {'cpu s':>6}  "
             "chapters executed"]
    builds, ratios = results["builds"], results["ratios"]
    for name, entry in builds.items():
        key = {"clean": "clean_over_old_clean", "clean_serial": None}.get(name, f"{name}_over_clean")
        ratio, target = ratios.get(key), TARGETS.get(key.removeprefix("serve_") if key else key)
        verdict = "" if ratio is None or target is None else ("meets" if ratio <= target else "MISSES")
        if name.endswith("prose_only") and entry["executed"]:
            verdict = "MISSES (executed)"
        label = {"old_clean": f"clean, old commit {entry.get('commit')}", "clean": "clean, working tree",
                 "clean_serial": "clean, working tree, one kernel at a time",
                 "noop": "no-op rebuild", "one_csv": "one CSV cell edited", "prose_only": "prose of one chapter edited",
                 "serve_noop": "make serve: no-op rebuild", "serve_one_csv": "make serve: one CSV cell edited",
                 "serve_prose_only": "make serve: prose edited"}[name]
        lines.append(f"{label:40} {entry['seconds']:>8} {'' if ratio is None else ratio:>7} "
                     f"{'' if target is None else target:>7}  {verdict:8} {entry['cpu_seconds']:>6}  {len(entry['executed'])}"
                     + (f" ({entry['edit']})" if entry.get("edit") else ""))
    lines.append("ratios: clean is to the old commit's clean build; the rebuilds are to the working tree's clean build")
    lines.append("rebuilds: as `make book` builds (Jupyter Book, with the PDF edition), then as `make serve` rebuilds "
                 "on a saved change (sphinx-build, no PDF edition)")
    lines.append(f"parallel execution alone: clean / clean one kernel at a time = {ratios['clean_over_clean_serial']}")
    for name, weight in results["page_weight"]["pages"].items():
        lines.append(f"{'page ' + name + ' (KB html/data/assets)':58} {weight['html'] // 1024:>4}/"
                     f"{weight['embedded_chart_data'] // 1024:>3}/{weight['scripts_and_styles'] // 1024:>4}")
    charts = results["time_to_first_chart"]
    for name, timing in charts.items():
        if isinstance(timing, dict):
            lines.append(f"{'first chart ' + name + ' (ms)':58} {timing['first_chart_ms']:>12}   repeat visit: "
                         f"{timing['repeat_visit_first_chart_ms']} ms")
    lines.append("seconds of every run: " + "; ".join(f"{name} {entry['all_seconds']}" for name, entry in builds.items()))
    lines.append(f"machine: {results['machine']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", help="a commit whose clean build the working tree's is compared with")
    parser.add_argument("--repeat", type=int, default=2, help="builds per measure; the fastest counts (default 2)")
    args = parser.parse_args(argv)
    results = measure(args.old, args.repeat)
    print(summary(results))
    (ROOT / "_build").mkdir(exist_ok=True)
    (ROOT / "_build" / "bench.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print("JSON: _build/bench.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
