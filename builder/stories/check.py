"""The story rules (S1xx) and the bank's coverage of the 16 principles (S2xx)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from builder.stories import prose
from builder.stories.model import STAR, Finding, Part, Story, finding
from builder.stories.principles import PRINCIPLES, suggest

WORDS_PER_MINUTE = 150
TARGET_SECONDS = {Part.SITUATION: 45, Part.TASK: 30, Part.ACTION: 120, Part.RESULT: 45}
SLACK = 1.25
"""A section is "well over" its target beyond this factor: a little over is not worth a finding."""
STORY_LIMIT_SECONDS = 270
"""About 4 minutes: the four targets add up to 4:00, and half a minute more is still about 4."""
SUGGESTED_STORIES = (8, 10)
RECENT_MONTHS = 12
QUOTE_CHARS = 160

_WE_RE = re.compile(r"\b[Ww]e(?:['\u2019](?:re|ve|d|ll))?\b")
_I_RE = re.compile(r"\bI(?:['\u2019](?:m|ve|d|ll))?\b")


@dataclass(frozen=True, slots=True)
class Options:
    """What the candidate asked the checks for."""

    require_learning: bool = False


def seconds(words: int) -> int:
    """Spoken length of `words` at the pace the guide assumes."""
    return round(words * 60 / WORDS_PER_MINUTE)


def clock(total: float) -> str:
    """Seconds as `m:ss`."""
    whole = round(total)
    return f"{whole // 60}:{whole % 60:02d}"


def check_story(story: Story, options: Options, today: date) -> list[Finding]:
    """Every per-story rule, in rule order."""
    out: list[Finding] = []
    where = story.path

    def add(line: int, code: str, message: str) -> None:
        out.append(finding(where, line, code, message))

    if story.when is not None and (story.when.year, story.when.month or 1) > (
        today.year,
        today.month,
    ):
        add(story.when.line, "S001", f"`when: {story.when}` is in the future")

    for part in STAR:
        if part not in story.sections:
            add(story.line, "S101", f"no `## {part}` section: {_ASKS[part]}")
    for section in story.sections.values():
        if not prose.plain_text(section.body).strip():
            add(section.line, "S102", f"`## {section.part}` is empty: {_ASKS[section.part]}")

    result = story.sections.get(Part.RESULT)
    said = result is not None and prose.plain_text(result.body).strip()
    if result is not None and said and not prose.has_number(result.body):
        add(
            result.line,
            "S103",
            "the Result has no number: give the measured outcome "
            "(how much, how many, how fast, what it saved)",
        )

    action = story.sections.get(Part.ACTION)
    if action is not None:
        out += _we_over_i(story, action.body, action.body_line)

    total_words = 0
    for section in story.sections.values():
        words = prose.word_count(section.body)
        total_words += words
        target = TARGET_SECONDS.get(section.part)
        if target is not None and seconds(words) > target * SLACK:
            add(
                section.line,
                "S105",
                f"`## {section.part}` runs about {clock(seconds(words))} spoken ({words} words "
                f"at {WORDS_PER_MINUTE} a minute), well over its {clock(target)} target: "
                f"cut it to about {target * WORDS_PER_MINUTE // 60} words",
            )
    if seconds(total_words) > STORY_LIMIT_SECONDS:
        add(
            story.line,
            "S106",
            f"the story runs about {clock(seconds(total_words))} spoken ({total_words} words), "
            f"over about 4 minutes: the interviewer wants 2-3 stories in 30 minutes",
        )

    for name, line in story.unknown_principles:
        near = suggest(name)
        hint = f"did you mean `{near.name}`?" if near else "see the 16 in docs/STORIES.md"
        add(line, "S107", f"unknown principle `{name}`: {hint}")

    if options.require_learning and Part.LEARNING not in story.sections:
        add(
            story.line,
            "S108",
            "no `## Learning` section: say what you learned and what you do differently now",
        )

    if not story.principles and not story.unknown_principles:
        add(
            story.line,
            "S201",
            "the story serves no principle: list the ones it answers under `principles:`",
        )
    return out


_ASKS = {
    Part.SITUATION: "the specific business context and what was at stake",
    Part.TASK: "your own responsibility and the challenge",
    Part.ACTION: "the steps you personally took",
    Part.RESULT: "the measured outcome and its business impact",
    Part.LEARNING: "what you learned, or delete the heading",
}


def _we_over_i(story: Story, body: str, first_line: int) -> list[Finding]:
    """One finding per "we" sentence when the Action says "we" more often than "I"."""
    sentences = prose.sentences(body, first_line)
    we = sum(len(_WE_RE.findall(s.text)) for s in sentences)
    i = sum(len(_I_RE.findall(s.text)) for s in sentences)
    if we <= i:
        return []
    out = []
    for s in sentences:
        if _WE_RE.search(s.text):
            quote = s.text if len(s.text) <= QUOTE_CHARS else s.text[: QUOTE_CHARS - 1] + "\u2026"
            out.append(
                finding(
                    story.path,
                    s.line,
                    "S104",
                    f'the Action says "we" {we} times and "I" {i}: say what you did: "{quote}"',
                )
            )
    return out


@dataclass(slots=True)
class Coverage:
    """Which of the candidate's stories serve each principle, and when the stories happened."""

    stories: list[Story]
    """The candidate's own stories: every story checked, except examples found in a folder."""
    by_principle: dict[str, list[Story]] = field(default_factory=dict)
    years: dict[int, int] = field(default_factory=dict)
    examples: int = 0
    """Example stories checked but not counted."""

    @property
    def uncovered(self) -> list[str]:
        """Principles no story serves, in the canonical order."""
        return [name for name, served in self.by_principle.items() if not served]

    @property
    def serving_none(self) -> list[Story]:
        """Stories that serve no known principle."""
        return [s for s in self.stories if not s.principles]


def coverage(stories: list[Story], today: date) -> tuple[Coverage, list[Finding]]:
    """The coverage table of the candidate's own stories (examples left out) and its warnings."""
    own = [s for s in stories if not s.example]
    cov = Coverage(
        own,
        {p.name: [s for s in own if p.name in s.principles] for p in PRINCIPLES},
        examples=len(stories) - len(own),
    )
    cov.years = dict(sorted(Counter(s.when.year for s in own if s.when).items()))
    findings: list[Finding] = []
    dated = [s for s in own if s.when is not None]
    if dated and all(_months_ago(s, today) < RECENT_MONTHS for s in dated):
        newest = max(dated, key=lambda s: (s.when.year, s.when.month or 1) if s.when else (0, 0))
        findings.append(
            finding(
                newest.path,
                newest.when.line if newest.when else newest.line,
                "S202",
                f"all {len(dated)} of your stories are from the last year: the interviewer "
                "looks for career progression, so add older stories",
            )
        )
    return cov, findings


def _months_ago(story: Story, today: date) -> int:
    """How long ago a story began, in whole months (a bare year counts from its January)."""
    assert story.when is not None
    return (today.year - story.when.year) * 12 + today.month - (story.when.month or 1)


def check(stories: list[Story], options: Options, today: date) -> tuple[list[Finding], Coverage]:
    """Every rule over every story, then the coverage of the candidate's own stories."""
    findings = [f for s in stories for f in check_story(s, options, today)]
    cov, bank = coverage(stories, today)
    return findings + bank, cov
