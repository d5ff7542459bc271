"""`reviewkit screen`: the prioritised screening queue (rank, export to ASReview LAB, import its labels) and the
ranking's simulation. Needs scikit-learn (requirements.txt); the book's build never runs it."""

from __future__ import annotations

import datetime as dt
import html
import sys
from pathlib import Path

from reviewkit.model.inputs import Unreadable, read_records
from reviewkit.model.problems import CheckFailed


def _ranked():
    from reviewkit.screening.rank import RankError, rank

    try:
        return rank()
    except RankError as error:
        problems = error.problems
    except Unreadable as error:
        problems = [error.problem]
    print(f"reviewkit screen: nothing was ranked.\n{CheckFailed(problems).report()}", file=sys.stderr)
    return None


def markdown(ranked) -> str:
    """The ranked queue for the weekly pull request: source, date, suggested priority, abstract folded."""
    if not ranked:
        return "No record awaits a title/abstract decision.\n"
    lines = ["| # | Priority | Record | Found by | Found | Title |", "| --- | --- | --- | --- | --- | --- |"]
    for number, item in enumerate(ranked, start=1):
        title = item.title.replace("|", "\\|")
        lines.append(f"| {number} | {item.priority} | `{item.record_id}` | {item.row.get('sources', '')} | "
                     f"{item.row.get('date_found', '')} | {title} |")
    lines.append("")
    for number, item in enumerate(ranked, start=1):
        abstract = html.escape(item.abstract) if item.abstract else "<em>no abstract at the source</em>"
        lines.append(f"<details><summary>{number}. {html.escape(item.title)} ({item.priority} priority)</summary>"
                     f"\n\n{abstract}\n\n</details>")
    lines += ["", "Next: two reviewers screen these in order (highest priority first), each adding their decisions "
              "to `data/screening_decisions.csv`; see CONTRIBUTING.md, *Triage the screening log*."]
    return "\n".join(lines) + "\n"


def _rank(args) -> int:
    ranked = _ranked()
    if ranked is None:
        return 1
    if args.markdown:
        print(markdown(ranked), end="")
        return 0
    for number, item in enumerate(ranked, start=1):
        print(f"{number:>4}. [{item.priority:>6}] {item.score:.3f} {item.record_id}  {item.title[:90]}")
    return 0


def _export(args) -> int:
    from reviewkit.screening.asreview import export_csv

    ranked = _ranked()
    if ranked is None:
        return 1
    Path(args.path).write_text(export_csv(ranked), encoding="utf-8")
    print(f"wrote {len(ranked)} records to {args.path}: import it into ASReview LAB as a dataset")
    return 0


def _import(args) -> int:
    from reviewkit.screening.asreview import LabelImportError, import_labels

    try:
        added, already = import_labels(Path(args.path), args.reviewer, args.date or dt.date.today().isoformat())
    except LabelImportError as error:
        print(f"reviewkit screen import: nothing was written.\n{CheckFailed(error.problems).report()}", file=sys.stderr)
        return 1
    print(f"decisions added for reviewer {args.reviewer}: {len(added)} ({already} already recorded)")
    return 0


def relevant_texts(path: Path) -> list[str]:
    """Title-and-abstract texts of a sweep's rows (evidence-updates-2.csv: source_citation and claim)."""
    _, rows = read_records(path)
    return [f"{row.get('source_citation', '')} {row.get('claim', '')} {row.get('topic', '')}" for _, row in rows]


def _simulate(args) -> int:
    from reviewkit.screening.rank import made_up_irrelevant, recall_at, simulate, training_set

    try:
        texts, labels, _ = training_set()
        relevant = relevant_texts(Path(args.relevant))
    except Unreadable as error:
        print(f"reviewkit screen simulate: nothing was simulated.\n{error.problem}", file=sys.stderr)
        return 1
    prior = [text for text, label in zip(texts, labels) if label == 1]
    irrelevant = made_up_irrelevant(args.irrelevant, seed=args.seed)
    found = simulate(relevant, irrelevant, prior, seed=args.seed)
    total = len(relevant) + len(irrelevant)
    print(f"simulation: {len(relevant)} relevant records ({args.relevant}) among {len(irrelevant)} made-up "
          f"irrelevant ones; prior knowledge: {len(prior)} relevant texts (included records and cited works) and "
          "one irrelevant record")
    for n in sorted({10, 20, 50, len(relevant), total // 10, total // 4}):
        print(f"  recall after screening {n:>3} of {total}: {recall_at(found, len(relevant), n):.2f}")
    print(f"  every relevant record found after screening {found[-1]} of {total} "
          f"({found[-1] / total:.0%} of the batch)")
    return 0


def add_commands(commands) -> None:
    screen = commands.add_parser("screen", help="prioritised screening: rank, export to / import from ASReview "
                                                "LAB, simulate the ranking")
    actions = screen.add_subparsers(dest="action", required=True)
    rank = actions.add_parser("rank", help="the records awaiting title/abstract screening, most likely relevant first")
    rank.add_argument("--markdown", action="store_true", help="as the weekly pull request shows it")
    rank.set_defaults(run=_rank)
    export = actions.add_parser("export", help="the ranked queue as a CSV that ASReview LAB imports")
    export.add_argument("path")
    export.set_defaults(run=_export)
    labels = actions.add_parser("import", help="an ASReview LAB export's labels as one reviewer's decisions")
    labels.add_argument("path")
    labels.add_argument("--reviewer", required=True, help="reviewer_id (data/reviewers.csv) who screened in ASReview")
    labels.add_argument("--date", help="day of the decisions (YYYY-MM-DD; default today)")
    labels.set_defaults(run=_import)
    sim = actions.add_parser("simulate", help="recall after N screened, on relevant records among made-up ones")
    sim.add_argument("--relevant", required=True, help="a CSV of relevant records (e.g. evidence-updates-2.csv)")
    sim.add_argument("--irrelevant", type=int, default=188, help="how many made-up irrelevant records")
    sim.add_argument("--seed", type=int, default=22)
    sim.set_defaults(run=_simulate)
