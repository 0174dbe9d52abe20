"""Stories, their sections and the findings the checks report about them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from builder.errors import BuilderError, Location, Severity


class Part(StrEnum):
    """A story's sections, in the order they are told."""

    SITUATION = "Situation"
    TASK = "Task"
    ACTION = "Action"
    RESULT = "Result"
    LEARNING = "Learning"


STAR = (Part.SITUATION, Part.TASK, Part.ACTION, Part.RESULT)
"""The sections every story must have; Learning is optional."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A check with a stable code, so output can be filtered and documented."""

    code: str
    severity: Severity
    summary: str


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule("S001", Severity.ERROR, "unreadable file or bad metadata"),
        Rule("S002", Severity.ERROR, "bad structure: unknown or repeated section, stray text"),
        Rule("S003", Severity.ERROR, "two stories with the same id"),
        Rule("S101", Severity.ERROR, "a STAR section is missing"),
        Rule("S102", Severity.ERROR, "a section is empty"),
        Rule("S103", Severity.WARNING, "the Result has no number in it"),
        Rule("S104", Severity.WARNING, 'the Action says "we" more often than "I"'),
        Rule("S105", Severity.WARNING, "a section runs well over its spoken-time target"),
        Rule("S106", Severity.WARNING, "the whole story runs over about 4 minutes"),
        Rule("S107", Severity.ERROR, "unknown principle"),
        Rule("S108", Severity.ERROR, "no Learning section (with --require-learning)"),
        Rule("S201", Severity.WARNING, "a story serves no principle"),
        Rule("S202", Severity.WARNING, "every story is from the last year"),
    )
}


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One finding about the story bank, with a rule code."""

    location: Location
    code: str
    message: str

    @property
    def severity(self) -> Severity:
        """Every finding of a rule has the rule's severity."""
        return RULES[self.code].severity

    def __str__(self) -> str:
        return f"{self.location}: {self.severity} {self.code}: {self.message}"


def finding(path: str, line: int, code: str, message: str) -> Finding:
    """A finding at `path:line`."""
    return Finding(Location(path, line), code, message)


@dataclass(frozen=True, slots=True)
class When:
    """When a story happened: a year, or a year and month."""

    year: int
    month: int | None
    line: int

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)


@dataclass(frozen=True, slots=True)
class Section:
    """One `## ` section of a story: its heading line and Markdown body."""

    part: Part
    line: int
    """Line of the `## ` heading."""
    body: str
    """Markdown under the heading, up to the next section or story."""
    body_line: int
    """File line of the body's first line."""


@dataclass(slots=True)
class Story:
    """One STAR story as written, with everything the checks and the deck need."""

    id: str
    explicit_id: bool
    title: str
    path: str
    """The file, as displayed (relative to the working directory when inside it)."""
    line: int
    """Where the story starts: its `# ` title line, or its `title:` key."""
    when: When | None
    principles: tuple[str, ...]
    """Canonical names of the known principles it serves, in the order written."""
    unknown_principles: tuple[tuple[str, int], ...] = ()
    """Names that are no principle, with the line of each."""
    sections: dict[Part, Section] = field(default_factory=dict)
    example: bool = False
    """A shipped example found in a folder: checked, but not counted, built or rehearsed."""
    source: str = ""
    """The story's Markdown as written."""

    @property
    def location(self) -> Location:
        """Where the story starts."""
        return Location(self.path, self.line)


class StoryErrors(BuilderError):
    """Raised when the stories have errors; carries every finding of the run."""

    def __init__(self, findings: list[Finding]) -> None:
        errors = [f for f in findings if f.severity is Severity.ERROR]
        super().__init__(f"{len(errors)} error(s) in the stories")
        self.findings = findings
