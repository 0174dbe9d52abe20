"""Stories to `my-stories.apkg`: a personal package in its own id namespace, written atomically."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from builder import build as flagship
from builder import render
from builder.errors import Diagnostics, Location, Severity
from builder.model import Deck, Note, NoteKind, Package, PackageMeta
from builder.output import write_atomically
from builder.package import write_apkg
from builder.parse import display_path, render_markdown
from builder.stories.check import Options, check
from builder.stories.model import STAR, Finding, Part, Story, StoryErrors, finding
from builder.stories.parse import read_stories
from builder.stories.principles import BY_NAME, PRINCIPLES
from builder.stories.prose import NUMBER_RE

PACKAGE_NAME = "my-stories"
# Flagship package ids are `[a-z0-9-]` only, and genanki joins the parts of a guid
# with `__`: with a `:` in ours no flagship (package, note) pair can ever produce
# the same guid string as one of these notes.
PACKAGE_ID = "personal:star-stories"
TITLE = "My STAR Stories"
PRINCIPLES_DECK = ("Principles",)
STORIES_DECK = ("Stories",)
TAG = "my-stories"
DESCRIPTION = (
    "Your own STAR stories, compiled on your machine from your story files. "
    "It holds your career: keep this package to yourself."
)
_TAG_OR_ENTITY_RE = re.compile(r"(<[^>]*>|&#?\w+;)")
_MD_SPECIAL_RE = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$&])")


def _md_escape(text: str) -> str:
    """Plain text (a title) as Markdown that renders to exactly that text."""
    return _MD_SPECIAL_RE.sub(r"\\\1", text)


def _plain(text: str) -> str:
    """Plain text as field HTML."""
    return render.protect(html.escape(text, quote=False))


def cloze_figures(field_html: str) -> tuple[str, int]:
    """Hide every number of finished field HTML in a cloze: one card per distinct number.

    Finished fields write every literal `{{`, `}}` and `::` as entities, so the
    cloze syntax added here is the only cloze syntax Anki will see. Tags and
    entities are left alone (`&#58;` is not the number 58).
    """
    numbers: dict[str, int] = {}

    def hide(m: re.Match[str]) -> str:
        key = m.group().lower()
        n = numbers.setdefault(key, len(numbers) + 1)
        return f"{{{{c{n}::{m.group()}}}}}"

    parts = _TAG_OR_ENTITY_RE.split(field_html)
    for k in range(0, len(parts), 2):
        parts[k] = NUMBER_RE.sub(hide, parts[k])
    return "".join(parts), len(numbers)


def _about(story: Story) -> str:
    """The line under a story's cards: its principles and when."""
    bits = [", ".join(story.principles)] if story.principles else []
    if story.when:
        bits.append(str(story.when))
    return _plain(" \u00b7 ".join(bits)) if bits else ""


def _story_notes(story: Story) -> list[Note]:
    """A story's notes: its result with the numbers hidden, and its STAR outline."""
    tags = (TAG, f"story::{story.id}", *(f"lp::{BY_NAME[p].slug}" for p in story.principles))
    notes = []
    result = story.sections.get(Part.RESULT)
    if result is not None:
        text, count = cloze_figures(render_markdown(result.body))
        if count:
            notes.append(
                Note(
                    id=f"{story.id}.result",
                    explicit_id=story.explicit_id,
                    location=story.location,
                    deck=STORIES_DECK,
                    kind=NoteKind.CLOZE,
                    prompt=_plain(f"{story.title}: what was the result?"),
                    front_extra=text,
                    back=_about(story),
                    tags=tags,
                    cloze_numbers=tuple(range(1, count + 1)),
                    source=story.source,
                )
            )
    parts = [p for p in (*STAR, Part.LEARNING) if p in story.sections]
    blocks = [
        f'<div class="star-part"><strong>{part}</strong>\n'
        f"{{{{c{n}::{render_markdown(story.sections[part].body)}}}}}</div>"
        for n, part in enumerate(parts, 1)
    ]
    notes.append(
        Note(
            id=f"{story.id}.star",
            explicit_id=story.explicit_id,
            location=story.location,
            deck=STORIES_DECK,
            kind=NoteKind.CLOZE,
            prompt=_plain(f"{story.title}: the STAR outline"),
            front_extra="\n".join(blocks),
            back=_about(story),
            tags=tags,
            cloze_numbers=tuple(range(1, len(parts) + 1)),
            source=story.source,
        )
    )
    return notes


def _principle_note(name: str, stories: list[Story]) -> Note:
    """Which of the candidate's stories answer one principle."""
    principle = BY_NAME[name]
    items = "\n".join(
        f"- **{_md_escape(s.title)}**" + (f" ({s.when})" if s.when else "") for s in stories
    )
    return Note(
        id=f"lp.{principle.slug}",
        explicit_id=True,
        location=stories[0].location,
        deck=PRINCIPLES_DECK,
        kind=NoteKind.BASIC,
        prompt=f"Which of your stories answers <strong>{_plain(name)}</strong>?",
        front_extra="",
        back=render_markdown(items),
        tags=(TAG, f"lp::{principle.slug}"),
        source="\n".join(f"{s.location}: {s.title}" for s in stories),
    )


def compile_package(stories: Sequence[Story], folder: Path, mod_time: int) -> Package:
    """The personal package: one note per principle served, and each story's notes."""
    # The version a candidate sees is the day of their last edit: it moves only when they do.
    version = datetime.fromtimestamp(mod_time, UTC).strftime("%Y-%m-%d")
    description = f"{len(stories)} stor{'y' if len(stories) == 1 else 'ies'}. {DESCRIPTION}"
    package = Package(
        folder=folder,
        name=PACKAGE_NAME,
        meta=PackageMeta(PACKAGE_ID, TITLE, version, description),
        description_html=render_markdown(description),
        mod_time=mod_time,
    )
    for p in PRINCIPLES:
        serving = [s for s in stories if p.name in s.principles]
        if serving:
            package.notes.append(_principle_note(p.name, serving))
    for story in stories:
        package.notes.extend(_story_notes(story))
    where = Location(display_path(folder), 0)
    descriptions = {
        PRINCIPLES_DECK: "Which of your stories answers each principle.",
        STORIES_DECK: "Each story's result with its numbers hidden, and its STAR outline "
        "with one section hidden at a time.",
    }
    used = {n.deck for n in package.notes}
    package.decks = [
        Deck(path, where, render_markdown(text))
        for path, text in descriptions.items()
        if path in used
    ]
    return package


def modification_time(paths: Sequence[Path], stories: Sequence[Story]) -> tuple[int, list[Finding]]:
    """SOURCE_DATE_EPOCH, else the newest modification time of the story files and folders.

    Not git: `stories/` is ignored by git, so a commit time would never move when
    a story is edited. Folders count because deleting a story changes only its folder.
    """
    if "SOURCE_DATE_EPOCH" in os.environ:
        diags = Diagnostics()
        when = flagship.modification_time(Path("."), diags)
        return when, [finding(str(d.location), 0, "S001", d.message) for d in diags.errors]
    files = {Path(s.path) for s in stories}
    folders = {p for p in paths if p.is_dir()} | {f.parent for f in files}
    return max(int(p.stat().st_mtime) for p in files | folders), []


def build_stories(
    paths: Sequence[Path],
    out_dir: Path,
    options: Options | None = None,
    today: date | None = None,
) -> tuple[Path, list[Finding]]:
    """Check the stories and write OUT/my-stories.apkg; nothing is written if any has an error."""
    stories, findings = read_stories(paths)
    more, _ = check(stories, options or Options(), today or date.today())
    findings = sorted(findings + more)
    own = [s for s in stories if not s.example]
    if not own and stories:
        first = stories[0]
        findings.append(
            finding(
                display_path(paths[0]) if paths else first.path,
                0,
                "S002",
                "no stories of your own to build: files named `example…` in a folder are "
                "only checked; write your own (docs/STORIES.md)",
            )
        )
    mod_time, problems = modification_time(paths, own) if own else (0, [])
    findings += problems
    if not own or any(f.severity is Severity.ERROR for f in findings):
        raise StoryErrors(findings)
    folder = paths[0] if paths[0].is_dir() else paths[0].parent
    package = compile_package(own, folder, mod_time)

    def stage(scratch: Path) -> list[Path]:
        staged = scratch / f"{PACKAGE_NAME}.apkg"
        write_apkg(package, staged)
        return [staged]

    (target,) = write_atomically(out_dir, stage)
    return target, findings
