"""The builder's own model of packages, decks and notes; no genanki here."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from builder.errors import Location


class NoteKind(StrEnum):
    """Which note type a note compiles to."""

    BASIC = "basic"
    CLOZE = "cloze"


@dataclass(slots=True)
class Note:
    """One note: a `## ` heading and its body, rendered to HTML fields."""

    id: str
    """The stable id: explicit `{#id}` or derived from the heading."""
    explicit_id: bool
    location: Location
    deck: tuple[str, ...]
    """Deck path under the package's root deck."""
    kind: NoteKind
    prompt: str
    """Heading as HTML: Front of a basic note, Title of a cloze note."""
    front_extra: str
    """Basic: body before `---`, shown on the front. Cloze: the cloze text."""
    back: str
    """Basic: the answer. Cloze: the extra shown on the back."""
    tags: tuple[str, ...] = ()
    cloze_numbers: tuple[int, ...] = ()
    """Card ordinals (1-based) of a cloze note, ascending."""
    retired: bool = False
    """Marked `.retired`: shipped once more, tagged, so candidates can delete it."""
    source: str = ""
    """The note's Markdown as written, from its `## ` line up to the next note."""


@dataclass(slots=True)
class Deck:
    """A deck under the root deck, with the description its files give it."""

    path: tuple[str, ...]
    location: Location
    description: str = ""


@dataclass(slots=True)
class MediaFile:
    """A file embedded in the package under a content-derived name."""

    name: str
    source: Path


@dataclass(slots=True)
class PackageMeta:
    """What `package.yaml` says about a package."""

    id: str
    title: str
    version: str
    description: str
    """Markdown source of the root deck's description."""


@dataclass(slots=True)
class Package:
    """A validated, rendered package, ready to be written."""

    folder: Path
    name: str
    """Folder name; the package builds to `<name>.apkg`."""
    meta: PackageMeta
    description_html: str
    decks: list[Deck] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    media: dict[str, MediaFile] = field(default_factory=dict)
    mod_time: int = 0
    """Note modification time (seconds since the epoch) written to the package."""
    note_times: dict[str, int] = field(default_factory=dict)
    """Older times kept for notes unchanged since the previous release, by note id."""
