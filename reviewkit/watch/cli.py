"""`reviewkit watch` (`make watch`): run the surveillance and say what it found, or why it stopped."""

from __future__ import annotations

import datetime as dt
import sys

from reviewkit.model.inputs import Unreadable
from reviewkit.model.problems import CheckFailed
from reviewkit.watch.http import SourceError
from reviewkit.watch.strategy import StrategyError


def _today(value: str | None) -> dt.date:
    if not value:
        return dt.datetime.now(dt.timezone.utc).date()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise SystemExit(f"reviewkit watch: --today {value!r} is not a date; write YYYY-MM-DD") from None


def main(args) -> int:
    from reviewkit.watch.surveillance import run

    from reviewkit.watch.surveillance import ConfigError

    today = _today(args.today)
    try:
        summary = run(today, dry_run=args.dry_run)
    except ConfigError as error:
        print(f"reviewkit watch: {error}.\nNothing was searched or written.", file=sys.stderr)
        return 1
    except SourceError as error:
        print(f"reviewkit watch: {error}\nNothing was written: every file is as it was. "
              "Run `make watch` again later; if it keeps failing, check the source's base URL "
              f"(REVIEWKIT_{error.source.upper()}_URL) and its status page.", file=sys.stderr)
        return 1
    except Unreadable as error:  # a data file broken by hand: the one reader names its line
        print(f"reviewkit watch: a data file cannot be read; nothing was written.\n{error.problem}", file=sys.stderr)
        return 1
    except (StrategyError, CheckFailed) as error:
        print(f"reviewkit watch: the search strategy has problems; nothing was searched or written.\n{error}",
              file=sys.stderr)
        return 1
    for search in summary.searches:
        print(f"{search['source']:>9}: {search['window_start']} to {search['window_end']}, "
              f"{search['records_identified']} records")
    for doubt in summary.doubts:
        print(f"  DOUBT {doubt}")
    print(f"new candidates for the screening log: {len(summary.new_records)} "
          f"({summary.removed - len(summary.unidentified)} reports were duplicates or already known)")
    for report in summary.unidentified:
        print(f"  SKIPPED (no identifier to screen or de-duplicate it by): {report}")
    for row in summary.new_records:
        print(f"  + {row['record_id']} [{row['sources']}] {row['title'][:90]}")
    print(f"new notices about cited works: {len(summary.new_notices)}")
    for row in summary.new_notices:
        print(f"  ! {row['reference']}: {row['kind']} ({row['update_type']}, {row['published']}) {row['notice_doi']}")
    for change in summary.status_changes:
        print(f"  registry: {change}")
    checked = sum(1 for row in summary.coverage if row["outcome"] == "checked")
    print(f"cited works and registry ids checked: {checked} of {len(summary.coverage)}")
    for row in summary.not_watched:
        words = "NOT FOUND" if row["outcome"] == "not_found" else "not watched"
        print(f"  {words}: {row['watched_id'].split(':', 1)[1]} ({row['note']})")
    if args.dry_run:
        print("dry run: nothing was written")
    elif summary.written:
        print("wrote: " + ", ".join(summary.written))
    else:
        print("nothing changed")
    return 0
