"""The rehearsal drill: a prompt, the candidate's spoken answer timed section by section."""

from __future__ import annotations

import html
import random
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from builder.build import load
from builder.errors import BuilderError, Severity, SourceErrors
from builder.model import Note
from builder.stories import prose
from builder.stories.check import STORY_LIMIT_SECONDS, TARGET_SECONDS, clock
from builder.stories.model import STAR, Part, Story
from builder.stories.principles import BY_SLUG, resolve, suggest

PROMPTS_DECK = ("Leadership Principles", "Behavioral Prompts")
SHORT = 1 / 3
"""A section under a third of its target was probably skipped over."""
WIDTH = 78

_BLOCK_END_RE = re.compile(r"</(?:p|li|blockquote|h\d)>|<br\s*/?>")
_TAG_RE = re.compile(r"<[^>]+>")


class RehearseError(BuilderError):
    """Raised when there is nothing to rehearse, or a named principle or story is unknown."""


@dataclass(frozen=True, slots=True)
class Prompt:
    """A behavioral prompt from the flagship deck and the principle it probes."""

    principle: str
    question: str
    must_show: tuple[str, ...]
    """What the deck says a strong answer shows, one point a line."""
    source: str


@dataclass(slots=True)
class Drill:
    """What one rehearsal asks, and what to compare the answer with."""

    ask: list[str]
    principle: str | None
    outlines: list[Story] = field(default_factory=list)
    must_show: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Timing:
    """How long the candidate spoke on one section."""

    part: Part
    seconds: float


def html_lines(fragment: str) -> list[str]:
    """Field HTML as plain lines, list items marked with `-`."""
    text = _BLOCK_END_RE.sub("\n", fragment.replace("<li>", "- "))
    text = html.unescape(_TAG_RE.sub("", text))
    return [line.strip() for line in text.split("\n") if line.strip()]


def prompt_from(note: Note) -> Prompt | None:
    """The prompt a flagship note asks, if it is tagged with a known principle."""
    slug = next((t[4:] for t in note.tags if t.startswith("lp::") and t[4:] in BY_SLUG), None)
    question = " ".join(html_lines(note.front_extra)).strip()
    if slug is None or not question:
        return None
    must = tuple(line for line in html_lines(note.back) if line.startswith("- "))
    return Prompt(BY_SLUG[slug].name, question, must, str(note.location))


def load_prompts(decks_dir: Path, package: str) -> list[Prompt]:
    """Every behavioral prompt of the flagship package, in source order."""
    try:
        (flagship,), _ = load(decks_dir, (package,))
    except SourceErrors as e:
        problems = "\n".join(str(d) for d in e.diagnostics if d.severity is Severity.ERROR)
        raise RehearseError(f"cannot read the prompts of `{package}`:\n{problems}") from e
    prompts = [prompt_from(n) for n in flagship.notes if n.deck == PROMPTS_DECK and not n.retired]
    found = [p for p in prompts if p is not None]
    if not found:
        raise RehearseError(
            f"no behavioral prompts in {decks_dir / package} "
            f"(deck `{'::'.join(PROMPTS_DECK)}`, notes tagged `lp::…`)"
        )
    return found


def principle_named(name: str) -> str:
    """The canonical name of a principle the candidate typed."""
    principle = resolve(name)
    if principle is None:
        near = suggest(name)
        hint = f": did you mean `{near.name}`?" if near else ""
        raise RehearseError(f"unknown principle `{name}`{hint}")
    return principle.name


def choose(
    prompts: Sequence[Prompt],
    stories: Sequence[Story],
    *,
    from_stories: bool = False,
    principle: str | None = None,
    story_id: str | None = None,
    seed: int | None = None,
) -> Drill:
    """Pick what to rehearse: a flagship prompt (the default) or one of the candidate's stories."""
    rng = random.Random(seed)
    own = [s for s in stories if not s.example]
    if story_id is not None or from_stories:
        if story_id is not None:
            pool = [s for s in own if s.id == story_id]
            if not pool:
                known = ", ".join(s.id for s in own) or "none yet"
                raise RehearseError(f"no story with id `{story_id}`; your stories: {known}")
        else:
            pool = [s for s in own if principle is None or principle in s.principles]
            if not pool:
                which = f" for {principle}" if principle else ""
                raise RehearseError(f"you have no stories{which} yet: see docs/STORIES.md")
        story = rng.choice(pool)
        serves = ", ".join(story.principles) or "no principle yet"
        ask = [f"Tell me about: {story.title}", f"  (it serves {serves})"]
        return Drill(ask, principle, [story])
    pool_p = [p for p in prompts if principle is None or p.principle == principle]
    if not pool_p:
        raise RehearseError(f"no prompt for {principle} in the flagship deck")
    prompt = rng.choice(pool_p)
    ask = [f"Leadership Principle: {prompt.principle}", f"  {prompt.question}"]
    outlines = [s for s in own if prompt.principle in s.principles]
    return Drill(ask, prompt.principle, outlines, prompt.must_show)


def _verdict(seconds: float, target: int, limit: float | None = None) -> str:
    if seconds > (limit or target):
        return f"over by {clock(seconds - target)}"
    if seconds < target * SHORT:
        return "short"
    return "ok"


def run(
    drill: Drill,
    *,
    read: Callable[[], str | None],
    clock_now: Callable[[], float],
    write: Callable[[str], None],
) -> list[Timing]:
    """Time a spoken answer section by section: Enter ends each one; `q` or end of input stops."""
    for line in drill.ask:
        write(line)
    write("")
    write("Answer out loud, in STAR order. Press Enter to start the clock, then Enter as you")
    write("finish each section (q and Enter stops).")
    timings: list[Timing] = []
    answer = read()
    if answer is None or answer.strip().lower() == "q":
        write("Stopped before the start.")
        return timings
    start = clock_now()
    for part in STAR:
        target = TARGET_SECONDS[part]
        write(f"{part} (target {clock(target)}): speak, then Enter")
        answer = read()
        now = clock_now()
        if answer is None or answer.strip().lower() == "q":
            write("Stopped.")
            break
        timings.append(Timing(part, now - start))
        write(f"  {part} took {clock(now - start)}: {_verdict(now - start, target)}")
        start = now
    _summary(drill, timings, write)
    return timings


def _summary(drill: Drill, timings: list[Timing], write: Callable[[str], None]) -> None:
    """The times against the targets, then what to compare the answer with."""
    if timings:
        write("")
        write("Your times:")
        for t in timings:
            target = TARGET_SECONDS[t.part]
            verdict = _verdict(t.seconds, target)
            write(f"  {t.part:<10} {clock(t.seconds):>5} of {clock(target):>5}  {verdict}")
        total = sum(t.seconds for t in timings)
        goal = sum(TARGET_SECONDS[t.part] for t in timings)
        limit = STORY_LIMIT_SECONDS if len(timings) == len(STAR) else None
        verdict = _verdict(total, goal, limit)
        write(f"  {'Total':<10} {clock(total):>5} of {clock(goal):>5}  {verdict}")
    if drill.must_show:
        write("")
        write("A strong answer shows (from the deck):")
        for line in drill.must_show:
            write(f"  {line}")
    write("")
    if not drill.outlines:
        which = f" for {drill.principle}" if drill.principle else ""
        write(f"You have no story{which} yet: write one in stories/ (docs/STORIES.md).")
        return
    write("Compare with your outline" + ("s:" if len(drill.outlines) > 1 else ":"))
    for story in drill.outlines:
        when = f" ({story.when})" if story.when else ""
        write("")
        write(f"{story.title}{when}  [{story.location}]")
        for part in (*STAR, Part.LEARNING):
            section = story.sections.get(part)
            if section is None:
                continue
            text = " ".join(prose.plain_text(section.body).split())
            wrapped = textwrap.wrap(
                f"{part}: {text}", WIDTH, initial_indent="  ", subsequent_indent="    "
            )
            for line in wrapped:
                write(line)
