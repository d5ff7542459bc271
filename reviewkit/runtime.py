"""What a chapter declares it reads, and what it really reads, inside one executing kernel.

The build appends a hidden cell to each executable chapter with the content hashes of its declared
inputs (see reviewkit.sphinxext): that cell makes the execution cache key depend on the data, and it
checks here that the chapter read nothing it did not declare.
"""

from __future__ import annotations

_read: set[str] = set()


def record_read(relative_path: str) -> None:
    _read.add(relative_path)


def files_read() -> set[str]:
    return set(_read)


def verify_inputs(chapter: str, declared_hashes: dict[str, str]) -> None:
    """Fail the chapter if it read a data file its front matter does not declare."""
    undeclared = sorted(_read - set(declared_hashes))
    if undeclared:
        listing = ", ".join(undeclared)
        raise RuntimeError(
            f"{chapter} reads {listing} but does not declare it, so editing it would not rebuild the chapter. "
            f"Fix: add it to the chapter's front matter, e.g. `data_files: [{listing}]`."
        )
