"""What a chapter declares it reads, and what it really reads, inside one executing kernel.

The build adds two hidden cells to each executable chapter (see reviewkit.sphinx): the first starts
watching the kernel's file opens, so a data file read past the toolkit (pd.read_csv, open) is recorded
too; the last holds the content hashes of the chapter's inputs, which makes the execution cache key depend
on the data, and checks that the chapter read nothing it did not declare.
"""

from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager

# Inputs of every executable chapter, declared or not: the schema types and titles what chapters show.
IMPLICIT_INPUTS = ("data/datapackage.json",)

_read: set[str] = set()
_watched: dict[str, str] = {}  # absolute prefix -> how it is named relative to the root
_trusted = 0


def record_read(relative_path: str) -> None:
    _read.add(relative_path)


def files_read() -> set[str]:
    return set(_read)


@contextmanager
def toolkit_read():
    """Opens inside this block are the toolkit's own (validation reads every table); it records its reads."""
    global _trusted
    _trusted += 1
    try:
        yield
    finally:
        _trusted -= 1


def _audit(event: str, args: tuple) -> None:
    # Runs on every audit event of the kernel: keep it to string operations (no I/O, no new events).
    if event != "open" or _trusted or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    absolute = os.path.abspath(os.fsdecode(args[0]))
    for prefix, relative in _watched.items():
        if absolute.startswith(prefix):
            _read.add(relative + absolute[len(prefix):].replace(os.sep, "/"))
            return


def watch_reads() -> None:
    """Record every file under data/ (and references.bib) this kernel opens from now on."""
    from reviewkit.model import paths

    if _watched:
        return
    _watched[str(paths.data_dir()) + os.sep] = "data/"
    _watched[str(paths.bibliography_path())] = "references.bib"
    sys.addaudithook(_audit)


WATCH_CELL = (
    "```{code-cell} ipython3\n:tags: [remove-cell]\n\n"
    "# Added by the build: from here on, every data file this chapter opens is recorded.\n"
    "import reviewkit.book.runtime\nreviewkit.runtime.watch_reads()\n```\n\n"
)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


# The same cell in as few lines as a cell can take, for a chapter whose lines must not move.
COMPACT_WATCH_CELL = ("```{code-cell} ipython3\n:tags: [remove-cell]\n"
                      "import reviewkit.book.runtime; reviewkit.book.runtime.watch_reads()  # Added by the build\n```\n")


def with_watch_cell(text: str) -> str:
    """The chapter with the watching cell first (after its front matter).

    Every line of the chapter after its front matter keeps its line number, so that the build's warnings (a
    duplicate label, a missing glue key, an unknown {doc} target) name the line the author sees: the front
    matter is written again as one line of YAML (JSON is YAML) and the cell takes the lines it freed. Only a
    front matter too short for that (under 7 lines, which no executable chapter has) moves the text down."""
    import json

    import yaml

    match = FRONT_MATTER.match(text)
    end = match.end() if match else 0
    if match:
        lines = text[:end].count("\n")
        try:
            compact = json.dumps(yaml.safe_load(text[4:end - 4]), ensure_ascii=False)
        except (TypeError, ValueError, yaml.YAMLError):
            compact = None
        if compact is not None and 3 + COMPACT_WATCH_CELL.count("\n") <= lines:
            # Blank lines before the cell, none after: myst-nb strips a Markdown cell's leading blank lines
            # without counting them, so the text after the cell must start right after it.
            padding = "\n" * (lines - 3 - COMPACT_WATCH_CELL.count("\n"))
            return f"---\n{compact}\n---\n{padding}{COMPACT_WATCH_CELL}" + text[end:]
    return text[:end] + "\n" + WATCH_CELL + text[end:]


def verify_inputs(chapter: str, declared_hashes: dict[str, str]) -> None:
    """Fail the chapter if it read a data file its front matter does not declare."""
    undeclared = sorted(_read - set(declared_hashes))
    if undeclared:
        listing = ", ".join(undeclared)
        raise RuntimeError(
            f"{chapter} reads {listing} but does not declare it, so editing it would not rebuild the chapter. "
            f"Fix: add it to the chapter's front matter, e.g. `data_files: [{listing}]`."
        )
