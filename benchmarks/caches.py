"""Does every cache pay its way? (`make bench-caches`)

For each cache layer of the toolkit's own, and each workaround kept for speed, a private copy of the book is
built with that one layer disabled (the copy's module is patched here, so the toolkit carries no switch for it),
and the paths an author or CI waits on are timed in it as in the intact copy, with bench.py's machinery
(fastest of --repeat runs):
- `make book`'s build (Jupyter Book, the PDF edition): clean, no-op, one CSV cell edited, prose of one chapter
  edited;
- `make serve`'s rebuild on a saved change (sphinx-build, no PDF edition): one CSV cell, prose edited;
- `make check` on unchanged sources (`make book` and `make serve` run the check first, too).
Prints, for each layer and path, the seconds with the layer and without it and the saving as a share of the
time without it; writes JSON to _build/bench-caches.json. Figures, not pass/fail tests.

Not ablated: the execution cache key cell (reviewkit.sphinx.rebuilds) is there for correctness, not speed
(jupyter-cache keys on code only; without the cell an edited CSV would not execute its chapter again).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (beside this file)

# name -> (what the layer is, {file of the copy: text appended to it}); "functools caches" is handled apart.
LAYERS = {
    "check memo": ("checks/memo: groups of checks whose inputs did not change are not run again", {
        "reviewkit/checks/memo.py": "\n\nCheckMemo.passed = lambda self, group, fingerprint: False  # ablated\n"}),
    "Vega bundle stamp": ("sphinx/vega_bundle: the bundle is made once per environment", {
        "reviewkit/sphinx/vega_bundle.py": '''

def bundle_dir(outdir):  # ablated: the bundle is made by every build, in the build's own folder
    return outdir.parent / ".reviewkit-static"


def build_vega_bundle(cache_dir):
    return _make_bundle(cache_dir, cache_dir.parent / "vega-bundle-ablated.name"), cache_dir
'''}),
    "functools caches": ("@cache and @lru_cache in reviewkit/ (in-process)", {}),
    # Not a cache but a workaround kept for speed, so it answers to the same rule.
    "pybtex backend registered once": ("sphinx/citations: pybtex's plaintext backend found once, not per citation", {
        "reviewkit/sphinx/citations.py": "\n\n_find_backend_once = lambda: None  # ablated\n"}),
}
# What `make book` and `make serve` wait on; `check` is `reviewkit check` on unchanged sources.
PATHS = ("clean", "noop", "one_csv", "prose_only", "serve_one_csv", "serve_prose_only", "check")
FUNCTOOLS_DECORATOR = re.compile(r"^([ \t]*)@(?:functools\.)?(?:cache|lru_cache(?:\([^)\n]*\))?)[ \t]*$", re.M)


def without_functools_caches(text: str) -> tuple[str, int]:
    """``text`` (a module's source) with every @cache / @lru_cache(...) decorator made one that caches nothing,
    on the same line (line numbers stay); and how many were replaced."""
    return FUNCTOOLS_DECORATOR.subn(r"\1@(lambda function: function)", text)


def disable(root: Path, layer: str) -> list[str]:
    """Disable ``layer`` in the copy of the book at ``root``; returns the files patched. Refuses a layer whose
    code is no longer where this file expects it (an ablation that disables nothing would measure nothing)."""
    if layer == "functools caches":
        patched = []
        for path in sorted((root / "reviewkit").rglob("*.py")):
            text, count = without_functools_caches(path.read_text(encoding="utf-8"))
            if count:
                path.write_text(text, encoding="utf-8")
                patched.append(path.relative_to(root).as_posix())
        if not patched:
            raise LookupError("no @cache or @lru_cache left in reviewkit/: drop the layer 'functools caches'")
        return patched
    _, patches = LAYERS[layer]
    for relative, addition in patches.items():
        path = root / relative
        if not path.is_file():
            raise LookupError(f"{relative} is gone: update or drop the layer {layer!r} in benchmarks/caches.py")
        path.write_text(path.read_text(encoding="utf-8") + addition, encoding="utf-8")
    return sorted(patches)


def saving(with_layer: float, without_layer: float) -> float:
    """What the layer saves, as a share of the time without it (negative: the layer costs time)."""
    return (without_layer - with_layer) / without_layer if without_layer > 0 else 0.0


def time_check(root: Path, runs: int) -> dict:
    env = {**os.environ, "REVIEWKIT_ROOT": str(root), "PYTHONPATH": str(root)}
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run([str(bench.BIN / "reviewkit"), "check"], cwd=root, env=env, capture_output=True,
                                text=True)
        timings.append(time.perf_counter() - started)
        if result.returncode != 0:
            sys.exit(f"bench: reviewkit check failed in {root}:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return {"seconds": min(timings), "all_seconds": [round(t, 1) for t in timings]}


def measure_copy(root: Path, preview: Path, runs: int) -> dict:
    """The paths of PATHS in one copy of the book (``preview``: a second copy for `make serve`'s builds)."""
    results = {"clean": bench.fastest(root, runs, bench.clean)}
    for name, edit in {"noop": lambda _: None, "one_csv": bench.edit_one_cell, "prose_only": bench.edit_prose}.items():
        results[name] = bench.fastest(root, runs, edit)
    results["check"] = time_check(root, runs)
    bench.fastest(preview, 1, bench.clean, "serve")
    for name, edit in {"one_csv": bench.edit_one_cell, "prose_only": bench.edit_prose}.items():
        results[f"serve_{name}"] = bench.fastest(preview, runs, edit, "serve")
    return {name: {"seconds": round(entry["seconds"], 2), "all_seconds": entry["all_seconds"]}
            for name, entry in results.items()}


def measure(layers: list[str], runs: int) -> dict:
    measured, loads = {}, [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(prefix="bench-caches-") as tmp:
        for layer in ["(none)", *layers]:
            root, preview = Path(tmp) / "book", Path(tmp) / "preview"
            for copy in (root, preview):
                shutil.rmtree(copy, ignore_errors=True)
                shutil.copytree(bench.ROOT, copy, ignore=bench.COPY_IGNORE)
                if layer != "(none)":
                    disable(copy, layer)
            print(f"[bench-caches] {layer} disabled ...", file=sys.stderr, flush=True)
            measured[layer] = measure_copy(root, preview, runs)
            loads.append(os.getloadavg()[0])
    intact = measured.pop("(none)")
    return {"with_every_layer": intact, "without": measured, "runs": runs,
            "savings": {layer: {path: round(saving(intact[path]["seconds"], entry[path]["seconds"]), 3)
                                for path in PATHS} for layer, entry in measured.items()},
            "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0],
                        "load_average_1min": [round(load, 2) for load in loads]}}


def summary(results: dict) -> str:
    intact = results["with_every_layer"]
    header = f"{'seconds (fastest of ' + str(results['runs']) + ')':34}" + "".join(f"{p:>18}" for p in PATHS)
    lines = [header, f"{'every layer':34}" + "".join(f"{intact[p]['seconds']:>18.2f}" for p in PATHS)]
    for layer, entry in results["without"].items():
        lines.append(f"{'without ' + layer:34}" + "".join(
            f"{entry[p]['seconds']:>9.2f} {results['savings'][layer][p]:>+7.0%}" for p in PATHS))
    lines.append("saving: (without - with) / without, on that path; the layer pays its way where it saves about 10%")
    lines.append("seconds of every run: " + json.dumps({layer: {p: e[p]["all_seconds"] for p in PATHS} for layer, e in
                                                         {"every layer": intact, **results["without"]}.items()}))
    lines.append(f"machine: {results['machine']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layer", action="append", choices=sorted(LAYERS), help="only these layers (repeatable)")
    parser.add_argument("--repeat", type=int, default=2, help="builds per measure; the fastest counts (default 2)")
    args = parser.parse_args(argv)
    results = measure(args.layer or list(LAYERS), args.repeat)
    print(summary(results))
    (bench.ROOT / "_build").mkdir(exist_ok=True)
    (bench.ROOT / "_build" / "bench-caches.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print("JSON: _build/bench-caches.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
