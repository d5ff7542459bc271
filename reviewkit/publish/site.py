"""The published site with every released version: `reviewkit site` (run by the deploy workflow).

Layout: the newest build (main) at the root; each released version built from its tag at ``v/<version>/``
and kept (the workflow caches the builds; a tag never changes, so a build of it never goes stale). Every
page of an older version says that a newer version exists and links to the same page in it: the notice is
written into the old pages' edition banner when the site is assembled (static HTML: no script, works
offline and for crawlers). ``versions.json`` at the root lists every version.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from reviewkit.history import git as history, versions
from reviewkit.model import paths
from reviewkit.sphinx.edition import NEWER_MARKER


class SiteError(Exception):
    pass


def build_version(version: str, target: Path) -> None:
    """Build version <version> (its release commit) in a temporary worktree (`make book`, with its own locked
    environment)."""
    commit = versions.release_commit(version)
    with tempfile.TemporaryDirectory(prefix=f"v{version}-") as scratch:
        worktree = Path(scratch) / "book"
        history.git("worktree", "add", "--detach", str(worktree), commit)
        try:
            env = {k: v for k, v in os.environ.items() if k != "REVIEWKIT_ROOT"}
            result = subprocess.run(["make", "-C", str(worktree), "book"], env=env, capture_output=True, text=True)
            if result.returncode != 0:
                raise SiteError(f"the build of version {version} (commit {commit[:10]}) failed:\n{result.stdout[-3000:]}"
                                f"{result.stderr[-3000:]}")
            shutil.copytree(worktree / "_build" / "html", target)
        finally:
            history.git("worktree", "remove", "--force", str(worktree), check=False)


def notice(page: Path, version_root: Path, newest_root: Path, newest: dict, this: str) -> str:
    relative = page.relative_to(version_root)
    counterpart = newest_root / relative
    target = counterpart if counterpart.is_file() else newest_root / "index.html"
    href = os.path.relpath(target, page.parent).replace(os.sep, "/")
    return (f'<p class="reviewkit-newer-version">A newer version of this review exists: '
            f'<a href="{html.escape(href)}">version {html.escape(newest["version"])}</a> '
            f'(released {html.escape(newest["date"])}). This page belongs to version {html.escape(this)}.</p>')


def mark_older(version_root: Path, version: str, newest_root: Path, newest: dict) -> int:
    """Write the newer-version notice into every page of an older version's build; returns pages marked."""
    marked = 0
    for page in sorted(version_root.rglob("*.html")):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        if NEWER_MARKER in text:
            page.write_text(text.replace(NEWER_MARKER, notice(page, version_root, newest_root, newest, version), 1),
                            encoding="utf-8")
            marked += 1
    if not marked:
        raise SiteError(f"the build of version {version} has no page with an edition banner, so it cannot say "
                        "that a newer version exists")
    return marked


def assemble(out: Path, latest: Path, builds: dict[str, Path]) -> list[str]:
    """Write the site to ``out``: ``latest`` at the root, each released version under v/<version>/."""
    listing_file = latest / "versions.json"
    if not listing_file.is_file():
        raise SiteError(f"{listing_file} is missing: build the book first (make book)")
    listing = json.loads(listing_file.read_text(encoding="utf-8"))
    released = listing["versions"]
    missing = [v["version"] for v in released if v["version"] not in builds]
    if missing:
        raise SiteError("no build of version(s) " + ", ".join(missing) + "; run with --build-missing")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(latest, out)
    if not released:
        return []
    newest = released[0]
    for entry in released:
        target = out / "v" / entry["version"]
        shutil.copytree(builds[entry["version"]], target)
        (target / "versions.json").write_text(json.dumps(listing, indent=2), encoding="utf-8")
    for entry in released[1:]:
        mark_older(out / "v" / entry["version"], entry["version"], out / "v" / newest["version"], newest)
    return [v["version"] for v in released]


def main(latest: str, versions_dir: str, out: str, build_missing: bool) -> int:
    latest_dir, cache = Path(latest), Path(versions_dir)
    try:
        listing = json.loads((latest_dir / "versions.json").read_text(encoding="utf-8"))["versions"]
        for entry in listing:
            target = cache / entry["version"]
            if not (target / "index.html").is_file() and build_missing:
                print(f"reviewkit site: building version {entry['version']} from its release commit")
                shutil.rmtree(target, ignore_errors=True)
                build_version(entry["version"], target)
        builds = {p.name: p for p in cache.iterdir() if (p / "index.html").is_file()} if cache.is_dir() else {}
        done = assemble(Path(out), latest_dir, builds)
    except (SiteError, history.HistoryError, OSError, KeyError, json.JSONDecodeError) as error:
        print(f"reviewkit site: {error}", file=__import__("sys").stderr)
        return 1
    print(f"reviewkit site: {paths.relative(Path(out))} with the latest build and "
          f"{len(done)} released version(s): {', '.join(done) or 'none yet'}")
    return 0
