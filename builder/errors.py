"""Diagnostics and the exceptions that carry them to the command line."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a finding is: errors stop a build, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in a source file, as shown to authors (`decks/x.md:12`)."""

    path: str
    """Path as displayed: relative to the working directory when possible."""
    line: int
    """1-based line number; 0 when the finding is about the whole file or folder."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding about the sources, with where it is and what to do."""

    location: Location
    message: str
    severity: Severity = Severity.ERROR
    code: str = ""
    """Stable rule code (`E104`, `D102`), as printed by `decks check`."""
    column: int = 0
    """1-based column of the finding on its line; 0 when not known."""

    def __str__(self) -> str:
        tag = "" if self.severity is Severity.ERROR else "warning: "
        return f"{self.location}: {tag}{self.message}"


class Diagnostics:
    """Collects every finding of a run so they are all reported together."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def error(self, location: Location, message: str, code: str = "", column: int = 0) -> None:
        """Record an error."""
        self.items.append(Diagnostic(location, message, Severity.ERROR, code, column))

    def warning(self, location: Location, message: str, code: str = "", column: int = 0) -> None:
        """Record a warning."""
        self.items.append(Diagnostic(location, message, Severity.WARNING, code, column))

    @property
    def errors(self) -> list[Diagnostic]:
        """Only the errors, in the order found."""
        return [d for d in self.items if d.severity is Severity.ERROR]

    def sorted(self) -> list[Diagnostic]:
        """All findings ordered by file and line, for stable output."""
        return sorted(self.items, key=lambda d: (d.location, d.message))


class BuilderError(Exception):
    """Base class for failures the command line reports without a traceback."""


class SourceErrors(BuilderError):
    """Raised when the sources have errors; carries every finding of the run."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} problem(s) in the sources")
        self.diagnostics = diagnostics


class OutputError(BuilderError):
    """Raised when a package cannot be written to the output folder."""
