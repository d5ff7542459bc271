"""Shared fixtures: the built site, and throwaway copies of the book for fault injection and builds."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from helpers import git_init, set_cell
from reviewkit.model import paths

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
SITE = BUILD / "html"
BIN = Path(sys.executable).parent
# Copies reduced to a few chapters carry `reviewkit_partial_build`; make check refuses that flag unless the test
# suite says the copy is its own (a committed flag would let a finding go unshown).
os.environ.setdefault("REVIEWKIT_ALLOW_PARTIAL_BUILD", "1")
COPY_IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__", ".pytest_cache", "*.egg-info")


# A test that uses one of these fixtures must carry the marker, so that `make unit` (which deselects the
# markers) never builds, never needs _build/html and never starts Chromium.
MARKER_OF_FIXTURE = {"site": "site", "build_report": "site", "injected_site": "build", "hostile_build": "build",
                     "browser": "browser"}


# `make test` runs the build, site and browser tests on two workers (pytest-xdist, --dist loadgroup). The tests
# that share Chromium or a session's build of hostile input go to one worker, so each is made once; the tests of
# one file stay together, so a module's build is made once and its steps run in order.
SHARED_WITH_CHROMIUM = {"browser", "tab", "base_url", "injected_site", "hostile_build"}


def pytest_collection_modifyitems(config, items):
    unmarked = [f"{item.nodeid} uses the fixture '{fixture}' but is not marked @pytest.mark.{marker}"
                for item in items for fixture, marker in MARKER_OF_FIXTURE.items()
                if fixture in getattr(item, "fixturenames", ()) and item.get_closest_marker(marker) is None]
    if unmarked:
        raise pytest.UsageError("\n".join(unmarked))
    for item in items:
        shares_chromium = SHARED_WITH_CHROMIUM & set(getattr(item, "fixturenames", ()))
        item.add_marker(pytest.mark.xdist_group("chromium" if shares_chromium else item.nodeid.split("::")[0]))


@pytest.fixture(scope="session")
def site() -> Path:
    """The site `make book` built (`make test` builds it first)."""
    if not (SITE / "chapters" / "index.html").is_file():
        pytest.fail("No built site in _build/html: run `make test`, which builds the book before testing.")
    return SITE


@pytest.fixture(scope="session")
def build_report(site) -> dict:
    return json.loads((BUILD / "reviewkit-build.json").read_text())


# The folder of this run's template, shared by every worker process of the run (pytest-xdist's workers inherit
# the environment the main process sets here) and removed with the run.
TEMPLATE_DIR = "REVIEWKIT_TEST_TEMPLATE_DIR"


_OWN_TEMPLATE_DIR = pytest.StashKey[str]()


def pytest_configure(config):
    if TEMPLATE_DIR not in os.environ:  # the main process (or a run without workers)
        os.environ[TEMPLATE_DIR] = tempfile.mkdtemp(prefix="reviewkit-book-")
        config.stash[_OWN_TEMPLATE_DIR] = os.environ[TEMPLATE_DIR]


def pytest_unconfigure(config):
    folder = config.stash.get(_OWN_TEMPLATE_DIR, None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(TEMPLATE_DIR, None)


@functools.cache
def _template() -> Path:
    """The book as a fresh git repository (versions and What changed are read from git), made once per run by the
    first process that needs it, the others waiting on a lock (copying it is cheaper than a `git init` and a first
    commit for every case), and checked once as the whole book: its check memo (reviewkit.checks.memo) records
    every group that passed, so a case's check runs again only the groups whose files the case changed, as an
    author's does. A group that found a problem is not remembered, so no problem of the book is hidden."""
    import fcntl

    folder = Path(os.environ.get(TEMPLATE_DIR) or tempfile.mkdtemp(prefix="reviewkit-book-"))
    template, done = folder / "book", folder / "book.done"
    with open(folder / "book.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(template, ignore_errors=True)  # what a process that failed half-way left
            shutil.copytree(ROOT, template, ignore=COPY_IGNORE)
            git_init(template, "Copy of the book")
            from reviewkit.checks.run import run_checks

            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("REVIEWKIT_ROOT", str(template))
                paths.root.cache_clear()
                run_checks()
            paths.root.cache_clear()
            done.touch()
    return template


def _not_the_book(folder: str, names: list[str]) -> set[str]:
    """What a case that reads no history leaves out of its copy (most of the copy's files): the git repository,
    and the toolkit's code and tests, which the case runs from the checkout anyway."""
    return {".git", "reviewkit", "tests", "benchmarks"} & set(names) if Path(folder) == _template() else set()


# The execution cache of the book `make book` built (make test builds it before the build tests run).
EXECUTION_CACHE = Path("_build") / ".staging" / "_build" / ".jupyter_cache"


def copy_book(target: Path, *, execution_cache: Path | None = None, history: bool = True) -> Path:
    """A copy of the book as a fresh git repository, with the check memo of the book as committed (_template).
    ``history=False``: the book's own files only, without its git repository and the toolkit's code and tests (the
    case runs the toolkit it is testing, installed from the checkout), for a case that reads no history.

    ``execution_cache``: where in the copy its build keeps the execution cache (``Path("_build/.jupyter_cache")``
    for `jupyter-book build`, EXECUTION_CACHE for `make book`); the copy gets the cache of the book `make book`
    built, so a chapter whose code, data and toolkit code are the book's is read from it rather than executed
    again (the cache key covers all three: reviewkit.sphinx.rebuilds), and a chapter the case changed executes."""
    shutil.copytree(_template(), target, symlinks=True, ignore=None if history else _not_the_book)
    if execution_cache is not None and (ROOT / EXECUTION_CACHE).is_dir():
        shutil.copytree(ROOT / EXECUTION_CACHE, target / execution_cache)
    return target


def _private_copy(tmp_path, monkeypatch, history: bool):
    root = copy_book(tmp_path / "book", history=history)
    monkeypatch.setenv("REVIEWKIT_ROOT", str(root))
    paths.root.cache_clear()
    yield root
    paths.root.cache_clear()


@pytest.fixture
def book(tmp_path, monkeypatch) -> Path:
    """A private copy of the book's files (not its git repository), with the check memo of the book as
    committed; reviewkit resolves every path inside it for the test's duration."""
    yield from _private_copy(tmp_path, monkeypatch, history=False)


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """As ``book``, as a git repository with one commit: for a case that reads or makes history."""
    yield from _private_copy(tmp_path, monkeypatch, history=True)


def snapshot(root: Path) -> dict[str, str]:
    """Content hash of every file in the tree, to prove a failed check changed nothing."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "_build" not in p.parts and ".git" not in p.parts}


def set_toc(root: Path, files: list[str]) -> None:
    """Reduce a copy's table of contents to a few chapters (builds of the copy stay fast). The landing page,
    which links every chapter, becomes a stub; the data and references pages stay, as tables and
    citations link to them."""
    (root / "chapters" / "index.md").write_text("# Test build\n\nA partial build of the book.\n", encoding="utf-8")
    chapters = "\n".join(f"      - file: {name}" for name in [*files, "chapters/data", "chapters/references"])
    (root / "_toc.yml").write_text(
        f"format: jb-book\nroot: chapters/index\nparts:\n  - caption: Test\n    chapters:\n{chapters}\n",
        encoding="utf-8")


FRONT_MATTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
data_files: {data_files}
---
"""


def write_chapter(root: Path, name: str, data_files: list[str], body: str) -> str:
    """A small executable chapter in a copy of the book; returns its toc entry."""
    text = FRONT_MATTER.format(data_files="[" + ", ".join(data_files) + "]") + body
    (root / "chapters" / f"{name}.md").write_text(text, encoding="utf-8")
    return f"chapters/{name}"


def partial_build(root: Path, files: list[str]) -> None:
    """Build only some chapters: the whole-book rules (every entry cited, every check shown) are relaxed, and no
    PDF edition is printed (as in `make serve`; the PDF's own tests read the book `make book` built)."""
    set_toc(root, files)
    config = root / "_config.yml"
    config.write_text(config.read_text() + "    reviewkit_partial_build: true\n    reviewkit_pdf: false\n")


def build(root: Path, *extra: str) -> subprocess.CompletedProcess:
    """`jupyter-book build` of a copy of the book, as `make book` runs it (warnings are errors)."""
    env = {**os.environ, "REVIEWKIT_ROOT": str(root)}
    return subprocess.run(
        [str(BIN / "jupyter-book"), "build", str(root), "--warningiserror", "--nitpick", "--keep-going", *extra],
        cwd=root, env=env, capture_output=True, text=True, timeout=900)


def build_report_of(root: Path) -> dict:
    return json.loads((root / "_build" / "reviewkit-build.json").read_text())


PAYLOAD = "</script><img src=x onerror=alert(1)>"


@pytest.fixture(scope="session")
def injected_site(tmp_path_factory):
    """A build whose data carries markup in a table cell, a chart tooltip and a glued value."""
    root = copy_book(tmp_path_factory.mktemp("xss") / "book")
    set_cell(root / "data" / "glossary.csv", "CRS", "expansion", PAYLOAD)
    entry = write_chapter(root, "injection", ["data/glossary.csv"], """
```{code-cell} ipython3
:tags: [remove-cell]
import altair as alt
from reviewkit.book import charts, data, glue, tables  # charts: the book's offline renderer
terms = data.load("glossary")
glue.glue_row(data.row("glossary", "CRS"))
```

# Injection test

The expansion is {glue:text}`CRS.expansion`.

```{code-cell} ipython3
tables.show(terms, table="glossary", caption="Terms")
```

```{code-cell} ipython3
alt.Chart(terms.assign(n=1), description="Injection test chart of terms", width="container").mark_point().encode(
    x="n:Q", y="abbreviation:N", tooltip=["expansion:N"])
```
""")
    partial_build(root, [entry])
    result = build(root)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return root / "_build" / "html"


# ---------------------------------------------------------------- hostile input, every static check switched off
HOSTILE_REFERENCE = """
@misc{hostile2024script,
  author = {Hostile, H},
  title = {A reference whose url runs script},
  year = {2024},
  url = {javascript:window.__pwned='bib';alert('bib')},
}
"""

HOSTILE_CHAPTER = """
```{{code-cell}} ipython3
:tags: [remove-cell]
from IPython.display import HTML, display
```

# Hostile input

Raw script: <script>window.__pwned = 'raw script'; alert('raw script')</script>

<img src="x" onerror="window.__pwned = 'onerror'; alert('onerror')">

<a id="hostile-link" href="javascript:window.__pwned='link';alert('link')">a javascript: link</a>

<iframe src="https://evil.example/"></iframe>

<div hidden>

:::{{source-check}} {first}
:::

</div>

::::{{dropdown}} More
:::{{source-check}} {second}
:::
::::

A reference whose url runs script {{cite}}`hostile2024script`.

```{{code-cell}} ipython3
display(HTML("<script>window.__pwned = 'output'; alert('output')</script><p id='hostile-output'>shown</p>"))
```
"""
HOSTILE_TITLE = "<img src=x onerror=alert('title')> Hostile title"


@pytest.fixture(scope="session")
def hostile_build(tmp_path_factory):
    """A partial build of hostile input with make check switched off (as if every static check had missed it):
    the build's own defences must fail it, and whatever it wrote must be inert. Returns (root, result)."""
    import csv as csv_module

    root = copy_book(tmp_path_factory.mktemp("hostile") / "book")
    with (root / "data" / "source_checks.csv").open(encoding="utf-8") as handle:
        first, second = [row["check_id"] for row in csv_module.DictReader(handle)][:2]
    (root / "references.bib").write_text((root / "references.bib").read_text() + HOSTILE_REFERENCE)
    entry = write_chapter(root, "hostile", [], HOSTILE_CHAPTER.format(first=first, second=second))
    partial_build(root, [entry])
    config = root / "_config.yml"
    text = config.read_text().replace('title: "', f'title: "{HOSTILE_TITLE} ', 1)
    config.write_text(text + "    reviewkit_check_sources: false\n")
    return root, build(root)


# ---------------------------------------------------------------- the browser tests' Chromium, server and tab
# One headless Chromium (Debian's), one server of the built site and one tab for every browser test of the
# session, English and Chinese pages alike (a second sync Playwright in one session cannot start).
@pytest.fixture(scope="session")
def browser():
    from browser_support import CHROMIUM_ARGS, chromium_path

    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def base_url(site):
    from browser_support import serve, url_of

    server = serve(site)
    yield url_of(server)
    server.shutdown()


@pytest.fixture(scope="session")
def tab(browser):
    from browser_tab import Tab

    tab = Tab(browser)
    yield tab
    tab.close()
