"""Problems as values with a source location, collected and reported together."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    column: int | None
    message: str
    hint: str | None = None  # e.g. "did you mean 'title'?", printed on its own line under the source

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class Mark:
    """A 1-based position, shaped like a YAML mark (which is 0-based)."""

    def __init__(self, line: int, column: int):
        self.line, self.column = line - 1, column - 1


class InputError(Exception):
    """Raised with every problem found in the input at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class Problems:
    """A collector: add problems while reading, raise them all at the end."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, file: str, mark: object, message: str, hint: str | None = None) -> None:
        line = getattr(mark, "line", None)
        col = getattr(mark, "column", None)
        problem = Problem(file, None if line is None else line + 1, None if col is None else col + 1, message,
                          hint)
        if problem not in self.items:  # one node asked for several fields: one message
            self.items.append(problem)

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)
