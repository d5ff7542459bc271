"""The `reviewkit` command: `reviewkit check`, `reviewkit linkcheck`, `reviewkit watch`."""

from __future__ import annotations

import argparse
import sys
import time

from .problems import CheckFailed


def _check(_args) -> int:
    from .check import run_checks

    started = time.perf_counter()
    problems = run_checks()
    elapsed = time.perf_counter() - started
    if problems:
        print(CheckFailed(problems).report(), file=sys.stderr)
        noun = "problem" if len(problems) == 1 else "problems"
        print(f"\nmake check: FAILED ({len(problems)} {noun}, {elapsed:.1f} s). Nothing was built.", file=sys.stderr)
        return 1
    print(f"make check: data, schema, references and citations OK ({elapsed:.1f} s)")
    return 0


def _linkcheck(args) -> int:
    from .linkcheck import main as linkcheck_main

    return linkcheck_main(args.extra)


def _watch(args) -> int:
    from .watch.cli import main as watch_main

    return watch_main(args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="reviewkit", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate data, schema, references and citations").set_defaults(run=_check)
    link = commands.add_parser("linkcheck", help="check external links (report in _build/linkcheck)")
    link.add_argument("extra", nargs="*", help="extra arguments for sphinx-build")
    link.set_defaults(run=_linkcheck)
    watch = commands.add_parser("watch", help="search for new evidence and watch what the book cites")
    watch.add_argument("--today", help="the date of the search (YYYY-MM-DD; default: today, UTC)")
    watch.add_argument("--dry-run", action="store_true", help="search and report, but write nothing")
    watch.set_defaults(run=_watch)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
