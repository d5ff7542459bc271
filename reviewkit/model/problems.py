"""One shape for every problem an author can cause: where it is, what is wrong, how to fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int | None
    field: str | None
    message: str
    fix: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field = f" [{self.field}]" if self.field else ""
        return f"{where}:{field} {self.message}\n    fix: {self.fix}"


class CheckFailed(Exception):
    """Raised with every problem found, so authors fix them all in one round."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.field or "", p.message))
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} found:"]
        lines += [str(problem) for problem in self.problems]
        return "\n".join(lines)
