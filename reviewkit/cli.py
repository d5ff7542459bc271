"""The `reviewkit` command: `reviewkit check`, `history`, `build`, `translations`, `linkcheck`, `watch`, `release`, `site`."""

from __future__ import annotations

import argparse
import sys
import time

from reviewkit.model.problems import CheckFailed


def _check(_args) -> int:
    from reviewkit.checks.run import partial_build_configured, run_checks

    started = time.perf_counter()
    problems = run_checks(complete_book=not partial_build_configured())
    elapsed = time.perf_counter() - started
    if problems:
        print(CheckFailed(problems).report(), file=sys.stderr)
        noun = "problem" if len(problems) == 1 else "problems"
        print(f"\nmake check: FAILED ({len(problems)} {noun}, {elapsed:.1f} s). Nothing was built.", file=sys.stderr)
        return 1
    print(f"make check: data, schema, references and citations OK ({elapsed:.1f} s)")
    from reviewkit.checks.translations import lags
    from reviewkit.screening.check import warnings

    for warning in warnings():
        print(f"warning: {warning}")
    for lag in lags():
        advice = "" if lag.chinese_changed else " (its page says so to readers; translate it, then clear the fuzzy flag)"
        print(f"warning: {lag}{advice}")
    return 0


def _build(_args) -> int:
    from reviewkit.checks.run import partial_build_configured
    from reviewkit.publish import build

    return build(complete_book=not partial_build_configured())


def _translations(args) -> int:
    from reviewkit.i18n.extract import main as translations_main

    return translations_main(args)


def _linkcheck(args) -> int:
    from reviewkit.sphinx.linkcheck import main as linkcheck_main

    return linkcheck_main(args.extra)


def _watch(args) -> int:
    from reviewkit.watch.cli import main as watch_main

    return watch_main(args)


def _history(_args) -> int:
    from reviewkit.history.git import HistoryError
    from reviewkit.history.timeline import timeline

    started = time.perf_counter()
    try:
        entries, _ = timeline()
    except HistoryError as error:
        print(f"make book: cannot read the history of the evidence (What changed, versions):\n{error}\n"
              "Nothing was built.", file=sys.stderr)
        return 1
    released = sum(1 for entry in entries if entry.version)
    print(f"history: {released} released version(s) and the working tree read "
          f"({time.perf_counter() - started:.1f} s)")
    return 0


def _ask(value: str | None, prompt: str) -> str:
    if value or not sys.stdin.isatty():
        return value or ""
    return input(prompt).strip()


def _release(args) -> int:
    from reviewkit.publish.release import ReleaseRefused, release
    from reviewkit.history.versions import CLASSIFICATIONS

    version = _ask(args.version, "Version (calendar version YYYY.MM, e.g. 2026.12): ")
    if not args.classification and sys.stdin.isatty():
        for name, text in CLASSIFICATIONS.items():
            print(f"  {name}: {text}")
    classification = _ask(args.classification, "Classification (one of the names above): ")
    summary = _ask(args.summary, "Summary for readers (one or two sentences): ")
    try:
        new = release(version, classification, summary, args.date)
    except ReleaseRefused as error:
        print(f"make release: refused, nothing was changed.\n{error}", file=sys.stderr)
        return 1
    print(f"Released version {new.version} ({new.date}, {new.classification_text}): commit and tag v{new.version}.\n"
          f"Publish it with: git push origin HEAD v{new.version}")
    return 0


def _site(args) -> int:
    from reviewkit.publish.site import main as site_main

    return site_main(args.latest, args.versions_dir, args.out, args.build_missing)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="reviewkit", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate data, schema, references and citations").set_defaults(run=_check)
    commands.add_parser("build", help="check, build into _build/.staging, publish to _build/html on success "
                        "(warnings are errors)").set_defaults(run=_build)
    translate = commands.add_parser("translations", help="bring the translation catalogues (locales/) in step with the "
                                    "English chapters: new paragraphs untranslated, changed ones marked fuzzy")
    translate.add_argument("--language", help="only this edition (default: every translation)")
    translate.set_defaults(run=_translations)
    link = commands.add_parser("linkcheck", help="check external links (report in _build/linkcheck)")
    link.add_argument("extra", nargs="*",
                      help="extra arguments for jupyter-book build, after --: reviewkit linkcheck -- -D linkcheck_timeout=3")
    link.set_defaults(run=_linkcheck)
    watch = commands.add_parser("watch", help="search for new evidence and watch what the book cites")
    watch.add_argument("--today", help="the date of the search (YYYY-MM-DD; default: today, UTC)")
    watch.add_argument("--dry-run", action="store_true", help="search and report, but write nothing")
    watch.set_defaults(run=_watch)
    from reviewkit.screening.cli import add_commands as add_screen_commands

    add_screen_commands(commands)
    commands.add_parser("history", help="read the evidence at every version (as What changed will)").set_defaults(
        run=_history)
    cut = commands.add_parser("release", help="cut a version: versions.yml, CITATION.cff, tag v<version>")
    cut.add_argument("--version", dest="version", help="calendar version YYYY.MM (YYYY.MM.N for a second release in a month)")
    cut.add_argument("--classification", help="changes-conclusion | new-evidence | corrections-only")
    cut.add_argument("--summary", help="the authors' summary of the update, for readers")
    cut.add_argument("--date", help="release date YYYY-MM-DD (default: today)")
    cut.set_defaults(run=_release)
    site = commands.add_parser("site", help="assemble the published site: the latest build plus every released "
                                            "version under v/<version>/")
    site.add_argument("--latest", default="_build/html", help="the latest build (default: _build/html)")
    site.add_argument("--versions-dir", required=True, help="folder of per-version builds (<dir>/<version>/)")
    site.add_argument("--out", required=True, help="where to write the site")
    site.add_argument("--build-missing", action="store_true", help="build versions missing from --versions-dir")
    site.set_defaults(run=_site)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
