"""`make book` (`reviewkit build`): a build that cannot lie.

- The book is built in a staging folder (_build/.staging); _build/html is replaced only by a build that
  succeeded, in one rename, so a failed build leaves the previous site exactly as it was.
- Warnings are errors, always (the flags are fixed here, not taken from the environment).
- A failed or interrupted build makes the next one start from a fresh Sphinx environment: Sphinx re-reads
  only changed pages, so otherwise a warning raised while reading an unchanged page would not be raised
  again and the second run would pass with the defect in place. (The execution cache is kept: a chapter
  whose inputs did not change is not executed again.)
- Only the files the data package describes are published beside the pages, and nothing else stays there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from reviewkit.i18n import languages
from reviewkit.model import paths

FLAGS = ("--warningiserror", "--nitpick", "--keep-going")
SPHINX_FLAGS = ("-W", "-n", "--keep-going")  # the same, as sphinx-build spells them
STAGING = Path("_build") / ".staging"
INCOMPLETE = "build-incomplete"  # present while a build runs and after one failed
REPORT = "reviewkit-build.json"
# What the build writes beside the site: the build report, and the print document the PDF is made from.
ARTIFACTS = (REPORT, ".reviewkit-print")


def staging_dir(root: Path) -> Path:
    return root / STAGING


def _replace(source: Path, target: Path, editions: dict[str, Path] | None = None, check=None) -> None:
    """Put a copy of ``source`` at ``target``, and of each translated edition's site in its folder of it,
    swapping directories by rename (readers never see half a site). ``check(fresh)`` may refuse the assembled
    site by raising, before anything is swapped."""
    fresh = target.with_name(target.name + ".new")
    old = target.with_name(target.name + ".old")
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(source, fresh)
    for folder, site in (editions or {}).items():
        shutil.copytree(site, fresh / folder)
    if check is not None:
        try:
            check(fresh)
        except Exception:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _run(command: list[str], log: Path, env: dict) -> int:
    """Run ``command``, echoing its output and writing it to ``log``."""
    with log.open("w", encoding="utf-8") as handle:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                                   encoding="utf-8", errors="replace")
        for line in process.stdout:
            sys.stdout.write(line)
            handle.write(line)
        return process.wait()


class SiteRefused(Exception):
    pass


def _check_alternates(site: Path) -> None:
    from reviewkit.sphinx.site_links import alternate_link_problems

    problems = alternate_link_problems(site)
    if problems:
        raise SiteRefused("links between the editions point nowhere:\n  " + "\n  ".join(problems[:20]))


def _build_translation(root: Path, code: str, logs: Path, *, full: bool) -> int:
    """Build a translated edition of the same sources (reviewkit.sphinx.language), with the same warnings-as-errors
    flags, into staging/_build/<folder>/html, reading the English build's execution cache: nothing executes again.
    Sphinx is run on the configuration Jupyter Book derives from _config.yml (as `make serve` does)."""
    edition = languages.edition(code)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "REVIEWKIT_ROOT": str(root)}
    config = subprocess.run([str(bin_dir / "jupyter-book"), "config", "sphinx", str(root)], env=env,
                            capture_output=True, text=True)
    if config.returncode != 0:
        print(config.stdout + config.stderr, file=sys.stderr)
        return config.returncode
    out = staging_dir(root) / "_build" / edition.folder
    command = [str(bin_dir / "sphinx-build"), "-b", "html", str(root), str(out / "html"), "-d", str(out / ".doctrees"),
               *SPHINX_FLAGS, "-D", f"language={edition.code}",
               "-D", f"nb_execution_cache_path={staging_dir(root) / '_build' / '.jupyter_cache'}"]
    if full:
        command.append("-E")
    print(f"[reviewkit] building the {edition.name} edition ({edition.code}) into {edition.folder}/")
    started = time.perf_counter()
    status = _run(command, logs / f"build-{edition.folder}.log", env)
    print(f"[reviewkit] the {edition.name} edition took {time.perf_counter() - started:.1f} s")
    return status


def build(root: Path | None = None, *, complete_book: bool = True) -> int:
    """Check, build in staging, publish on success; returns the exit status. ``complete_book=False`` is for
    test builds of a few chapters (see reviewkit.checks.run.run_checks); the command line always checks the whole."""
    from reviewkit.checks.run import run_checks
    from reviewkit.model.problems import CheckFailed

    root = root or paths.root()
    problems = run_checks(complete_book=complete_book)
    if problems:
        print(CheckFailed(problems).report(), file=sys.stderr)
        print("\nmake book: FAILED before building (see above). The site in _build/html was not touched.",
              file=sys.stderr)
        return 1
    staging = staging_dir(root)
    staging.mkdir(parents=True, exist_ok=True)
    marker = staging / INCOMPLETE
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "--path-output", str(staging),
               *FLAGS]
    full = marker.exists()
    if full:
        print("[reviewkit] the previous build failed or was interrupted: every page is read again, so its "
              "warnings are raised again")
        command.append("--all")
    marker.write_text("a build is running, or the last one failed\n", encoding="utf-8")
    log = staging / "build.log"
    status = _run(command, log, {**os.environ, "REVIEWKIT_ROOT": str(root)})
    built = staging / "_build"
    if status != 0 or not (built / "html" / "index.html").is_file():
        shutil.copy2(log, root / "_build" / "failed-build.log")
        print(f"\nmake book: FAILED (exit {status}); the log is in _build/failed-build.log. The site in _build/html "
              "was left as it was. The next build reads every page again and fails the same way until the "
              "problem above is fixed.", file=sys.stderr)
        return status or 1
    editions = {}
    # A copy reduced to a few chapters (tests) is built in English only; the book always in every language.
    for code in languages.TRANSLATIONS if complete_book else ():
        status = _build_translation(root, code, log.parent, full=full)
        edition = languages.edition(code)
        site = staging / "_build" / edition.folder / "html"
        if status != 0 or not (site / "index.html").is_file():
            shutil.copy2(log.parent / f"build-{edition.folder}.log", root / "_build" / "failed-build.log")
            print(f"\nmake book: FAILED building the {edition.name} edition (exit {status}); the log is in "
                  "_build/failed-build.log. The site in _build/html was left as it was.", file=sys.stderr)
            return status or 1
        editions[edition.folder] = site
    try:
        _replace(built / "html", root / "_build" / "html", editions, check=_check_alternates)
    except SiteRefused as error:
        print(f"\nmake book: FAILED: {error} The site in _build/html was left as it was.", file=sys.stderr)
        return 1
    for name in ARTIFACTS:  # beside the site, as a plain `jupyter-book build` leaves them
        if (built / name).is_dir():
            _replace(built / name, root / "_build" / name)
        elif (built / name).is_file():
            shutil.copy2(built / name, root / "_build" / name)
    shutil.copy2(log, root / "_build" / "build.log")
    (root / "_build" / "failed-build.log").unlink(missing_ok=True)
    marker.unlink()
    print("make book: published the new site in _build/html")
    return 0
