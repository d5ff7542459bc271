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
from pathlib import Path

from reviewkit.model import paths, schema

FLAGS = ("--warningiserror", "--nitpick", "--keep-going")
STAGING = Path("_build") / ".staging"
INCOMPLETE = "build-incomplete"  # present while a build runs and after one failed
REPORT = "reviewkit-build.json"
# What the build writes beside the site: the build report, and the print document the PDF is made from.
ARTIFACTS = (REPORT, ".reviewkit-print")


def staging_dir(root: Path) -> Path:
    return root / STAGING


def publish_data(outdir: Path) -> None:
    """Copy the CSVs the descriptor describes to <site>/data with the self-contained published descriptor
    (reviewkit.publish.data_export); remove anything else there."""
    from reviewkit.publish.data_export import REFERENCES_FILE, write as write_published_package

    target = outdir / "data"
    target.mkdir(exist_ok=True)
    described = {resource["path"] for resource in schema.resources()}
    for name in sorted(described):
        shutil.copy2(paths.data_dir() / name, target / name)
    write_published_package(target)  # datapackage.json, and the references resource as a real file
    wanted = described | {"datapackage.json", REFERENCES_FILE}
    for path in target.iterdir():
        if path.name not in wanted:
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def _replace(source: Path, target: Path) -> None:
    """Put a copy of ``source`` at ``target``, swapping directories by rename (readers never see half a site)."""
    fresh = target.with_name(target.name + ".new")
    old = target.with_name(target.name + ".old")
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(source, fresh)
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
    if marker.exists():
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
    _replace(built / "html", root / "_build" / "html")
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
