"""One error type that knows where: SourceError, plus collecting many of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MAX_MESSAGE, MAX_HINT = 400, 300  # a huge value in a message is cut, never repeated whole


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class SourceError:
    """A problem in one source file, at a line and column (1-based; 0 = unknown)."""

    message: str
    path: str
    line: int = 0
    column: int = 0
    hint: str = ""
    severity: str = "error"

    def format(self) -> str:
        """`path:line:col: error: message` plus an indented hint line."""
        where = self.path
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        text = f"{where}: {self.severity}: {_short(self.message, MAX_MESSAGE)}"
        if self.hint:
            text += f"\n  hint: {_short(self.hint, MAX_HINT)}"
        return text

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.message)


class BuildError(Exception):
    """Raised with every error found, so the user sees them all at once."""

    def __init__(self, errors: Iterable[SourceError]) -> None:
        self.errors = sorted(set(errors), key=SourceError.sort_key)
        super().__init__("\n".join(e.format() for e in self.errors))


class Problems:
    """A collector: stages append errors and warnings, then `raise_if_any()` once."""

    def __init__(self) -> None:
        self.errors: list[SourceError] = []
        self.warnings: list[SourceError] = []

    def error(
        self, message: str, path: str | Path, line: int = 0, column: int = 0, hint: str = ""
    ) -> None:
        self.errors.append(SourceError(message, str(path), line, column, hint))

    def warn(
        self, message: str, path: str | Path, line: int = 0, column: int = 0, hint: str = ""
    ) -> None:
        self.warnings.append(SourceError(message, str(path), line, column, hint, "warning"))

    def add(self, error: SourceError) -> None:
        (self.warnings if error.severity == "warning" else self.errors).append(error)

    def extend(self, other: Problems) -> None:
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)

    def raise_if_any(self) -> None:
        if self.errors:
            raise BuildError(self.errors)
