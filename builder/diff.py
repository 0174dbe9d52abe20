"""Release notes: what changed between two builds, from manifests or `.apkg` files."""

from __future__ import annotations

import html
import json
import re
import sqlite3
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.errors import BuilderError
from builder.manifest import cloze_contents, content_hash, digest, read_manifest
from builder.notetypes import CLOZE
from builder.parse import RETIRED_TAG

_VERSION_RE = re.compile(r'<p class="version">Version (.*?)</p>')
_TAG_RE = re.compile(r"<[^>]+>")


class DiffInputError(BuilderError):
    """Raised when a file given to `decks diff` is neither a manifest nor a package."""


@dataclass(frozen=True, slots=True)
class NoteState:
    """What release notes need to know of one note in one release."""

    id: str
    deck: str
    prompt: str
    content: str
    clozes: dict[str, str]
    retired: bool


@dataclass(slots=True)
class Release:
    """One build of one package, as read back from its manifest or `.apkg`."""

    title: str
    version: str
    notes: dict[str, NoteState]
    cards: int


def _manifest_release(data: dict[str, Any]) -> Release:
    notes = {
        e["id"]: NoteState(
            e["id"],
            e["deck"],
            e.get("prompt", e["id"]),
            e["content"],
            dict(e.get("clozes", {})),
            bool(e.get("retired")),
        )
        for e in data["notes"]
    }
    return Release(data["title"], str(data["version"]), notes, int(data["totals"]["cards"]))


def _apkg_release(path: Path) -> Release:
    """Read notes back from a package the builder wrote."""
    with tempfile.TemporaryDirectory(prefix="decks-diff-") as scratch:
        db = Path(scratch) / "collection.anki2"
        try:
            with zipfile.ZipFile(path) as apkg:
                db.write_bytes(apkg.read("collection.anki2"))
        except (zipfile.BadZipFile, KeyError) as e:
            raise DiffInputError(f"{path}: not an Anki package ({e})") from e
        conn = sqlite3.connect(db)
        try:
            (decks_json,) = conn.execute("select decks from col").fetchone()
            decks = {int(k): v for k, v in json.loads(decks_json).items()}
            rows = conn.execute(
                "select n.id, n.mid, n.flds, n.tags, min(c.did), count(c.id) "
                "from notes n join cards c on c.nid = n.id group by n.id"
            ).fetchall()
        finally:
            conn.close()
    # genanki's empty collection carries Anki's "Default" deck (id 1); it is not ours.
    roots = [d for i, d in sorted(decks.items()) if "::" not in d["name"] and i != 1]
    if not roots:
        raise DiffInputError(f"{path}: package has no root deck")
    root = roots[0]
    version = _VERSION_RE.search(root.get("desc", ""))
    notes: dict[str, NoteState] = {}
    cards = 0
    for _, mid, flds, tags, did, count in rows:
        fields = flds.split("\x1f")
        tag_list = tags.split()
        deck = decks[did]["name"].split("::", 1)[1] if "::" in decks[did]["name"] else ""
        is_cloze = mid == CLOZE.id
        clozes = cloze_contents(fields[1]) if is_cloze else {}
        note_id = fields[-1]
        # A basic note's Front is its prompt, then any code shown with it: keep the prompt.
        prompt = " ".join(html.unescape(_TAG_RE.sub(" ", fields[0].split("\n", 1)[0])).split())
        notes[note_id] = NoteState(
            note_id,
            deck,
            prompt,
            content_hash(fields, tag_list),
            {str(n): digest(t) for n, t in clozes.items()},
            RETIRED_TAG in tag_list,
        )
        cards += count
    return Release(root["name"], version.group(1) if version else "?", notes, cards)


def read_release(path: Path) -> Release:
    """Read a manifest (`.json`) or a package (`.apkg`)."""
    if path.suffix == ".apkg":
        return _apkg_release(path)
    try:
        return _manifest_release(read_manifest(path))
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise DiffInputError(f"{path}: not a manifest written by `decks build` ({e})") from e


@dataclass(slots=True)
class DeckChanges:
    """Changes within one deck."""

    added: list[NoteState] = field(default_factory=list)
    changed: list[NoteState] = field(default_factory=list)
    retired: list[NoteState] = field(default_factory=list)
    removed: list[NoteState] = field(default_factory=list)


@dataclass(slots=True)
class ReleaseDiff:
    """Everything the release notes say."""

    old: Release
    new: Release
    decks: dict[str, DeckChanges]
    warnings: list[str]

    def count(self, kind: str) -> int:
        """Notes of one kind of change across all decks."""
        return sum(len(getattr(d, kind)) for d in self.decks.values())


def diff(old: Release, new: Release) -> ReleaseDiff:
    """Compare two releases note by note."""
    decks: dict[str, DeckChanges] = defaultdict(DeckChanges)
    warnings: list[str] = []
    for note_id, note in new.notes.items():
        before = old.notes.get(note_id)
        if before is None:
            decks[note.deck].added.append(note)
        elif note.retired and not before.retired:
            decks[before.deck].retired.append(note)
        elif note.content != before.content:
            decks[note.deck].changed.append(note)
            for number, digest in sorted(before.clozes.items(), key=lambda kv: int(kv[0])):
                if number not in note.clozes:
                    warnings.append(
                        f"`{note_id}`: cloze {number} is gone; candidates keep an empty card "
                        "for it (Anki reports it under Empty Cards)."
                    )
                elif note.clozes[number] != digest:
                    warnings.append(
                        f"`{note_id}`: cloze {number} now hides different content; the "
                        "candidate's progress on that card moves to other material."
                    )
    for note_id, note in old.notes.items():
        if note_id not in new.notes:
            decks[note.deck].removed.append(note)
            if note.retired:
                continue  # retired in an earlier release: candidates could already delete it
            warnings.append(
                f"`{note_id}` was removed: importing never deletes, so it stays in every "
                f"candidate's collection. Retire it instead: `{{#{note_id} .retired}}`."
            )
    return ReleaseDiff(old, new, dict(sorted(decks.items())), warnings)


def render_markdown(result: ReleaseDiff) -> str:
    """Release notes in Markdown."""
    old, new = result.old, result.new
    lines = [f"## {new.title} {new.version}", ""]
    if old.version != new.version or old.title != new.title:
        lines += [f"Changes since {old.version}.", ""]
    summary = ", ".join(
        f"{result.count(kind)} {kind}" for kind in ("added", "changed", "retired", "removed")
    )
    lines += [f"**{summary}**; {len(new.notes)} notes, {new.cards} cards in all.", ""]
    if not result.decks:
        lines += ["No note changed.", ""]
    for deck, changes in result.decks.items():
        lines += [f"### {deck or new.title}", ""]
        for kind in ("added", "changed", "retired", "removed"):
            notes = getattr(changes, kind)
            if notes:
                lines.append(f"{kind.capitalize()}:")
                lines += [f"- {n.prompt} (`{n.id}`)" for n in sorted(notes, key=lambda n: n.id)]
                lines.append("")
    if result.warnings:
        lines += ["### Warnings", ""]
        lines += [f"- {w}" for w in result.warnings]
        lines.append("")
    retired = sum(1 for n in new.notes.values() if n.retired)
    if retired:
        lines += [
            f"To delete the {retired} retired note(s): in Anki's browser, search "
            "`tag:retired`, select all, and delete.",
            "",
        ]
    return "\n".join(lines)


def diff_paths(old: Path, new: Path) -> str:
    """Release notes for two files, or for two folders of manifests (package by package)."""
    if old.is_dir() and new.is_dir():
        if not any(new.glob("*.manifest.json")):
            raise DiffInputError(f"{new}: no *.manifest.json files to compare")
        parts = []
        for gone in sorted(old.glob("*.manifest.json")):
            if not (new / gone.name).is_file():
                release = read_release(gone)
                parts.append(
                    f"## {release.title}\n\nPackage removed: its {len(release.notes)} "
                    "notes stay in candidates' collections (importing never deletes). "
                    "Retire its notes in a last release instead.\n"
                )
        for manifest in sorted(new.glob("*.manifest.json")):
            before = old / manifest.name
            if before.is_file():
                parts.append(render_markdown(diff(read_release(before), read_release(manifest))))
            else:
                release = read_release(manifest)
                parts.append(
                    f"## {release.title} {release.version}\n\nNew package: "
                    f"{len(release.notes)} notes, {release.cards} cards.\n"
                )
        return "\n".join(parts)
    for path in (old, new):
        if not path.is_file():
            raise DiffInputError(f"{path}: compare two files or two folders of manifests")
    return render_markdown(diff(read_release(old), read_release(new)))
