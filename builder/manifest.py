"""Release manifests: what a package holds, note by note, for release notes and audits."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from builder.gitinfo import git
from builder.model import Note, NoteKind, Package
from builder.package import note_fields, note_guid
from builder.parse import HEADING_ID_RE

MANIFEST_VERSION = 1

# Our rendered fields write every literal `{{`, `}}` and `::` as entities, so in
# a finished field these patterns can only be the clozes the builder emitted.
_CLOZE_RE = re.compile(r"\{\{c([\d,]+)::(.*?)\}\}", re.DOTALL)


def digest(*parts: str) -> str:
    """A short, stable hash of some text."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def cloze_contents(text_html: str) -> dict[int, str]:
    """What each cloze number hides in a cloze note's text, spans joined in order."""
    hidden: dict[int, list[str]] = {}
    for m in _CLOZE_RE.finditer(text_html):
        answer = m.group(2).split("::", 1)[0]
        for number in m.group(1).split(","):
            hidden.setdefault(int(number), []).append(answer)
    return {n: "\x1e".join(spans) for n, spans in sorted(hidden.items())}


def heading_text(note: Note) -> str:
    """The note's heading as the author wrote it, without its `{#id}`."""
    heading = note.source.split("\n", 1)[0].removeprefix("## ")
    return HEADING_ID_RE.sub("", heading).strip()


def content_hash(fields: list[str], tags: tuple[str, ...] | list[str]) -> str:
    """What a candidate sees of a note: its fields as written to Anki, and its tags."""
    return digest(*fields, "\x1d", *sorted(tags))


def note_entry(package_id: str, note: Note, mod_time: int, source: str) -> dict[str, Any]:
    """One note's line in the manifest; `source` is its place relative to the decks folder."""
    entry: dict[str, Any] = {
        "id": note.id,
        "guid": note_guid(package_id, note.id),
        "deck": "::".join(note.deck),
        "type": note.kind.value,
        "content": content_hash(note_fields(note), note.tags),
        "mod": mod_time,
        "prompt": heading_text(note),
        "source": source,
    }
    if note.kind is NoteKind.CLOZE:
        entry["clozes"] = {
            str(n): digest(text) for n, text in cloze_contents(note.front_extra).items()
        }
    if note.retired:
        entry["retired"] = True
    return entry


def manifest_header(package: Package) -> dict[str, Any]:
    """Everything in the manifest except the per-note entries."""
    cards = sum(len(n.cloze_numbers) if n.kind is NoteKind.CLOZE else 1 for n in package.notes)
    return {
        "manifest_version": MANIFEST_VERSION,
        "package": package.name,
        "id": package.meta.id,
        "title": package.meta.title,
        "version": package.meta.version,
        "source_commit": source_commit(package.folder),
        "modification_time": package.mod_time,
        "totals": {
            "notes": len(package.notes),
            "cards": cards,
            "basic": sum(1 for n in package.notes if n.kind is NoteKind.BASIC),
            "cloze": sum(1 for n in package.notes if n.kind is NoteKind.CLOZE),
            "retired": sum(1 for n in package.notes if n.retired),
            "media": len(package.media),
        },
    }


def note_entries(package: Package) -> Iterator[dict[str, Any]]:
    """Per-note entries, ordered by note id."""
    # Places relative to the decks folder, so manifests do not depend on the working directory.
    decks_dir = package.folder.resolve().parent
    for note in sorted(package.notes, key=lambda n: n.id):
        path = Path(note.location.path).resolve().relative_to(decks_dir).as_posix()
        when = package.note_times.get(note.id, package.mod_time)
        yield note_entry(package.meta.id, note, when, f"{path}:{note.location.line}")


def source_commit(folder: Path) -> str | None:
    """The git commit the sources were built from, or None outside git."""
    return git(folder, "rev-parse", "HEAD") or None


def write_manifest(package: Package, target: Path) -> None:
    """Write the manifest as stable JSON, one note per line, streamed to keep memory flat."""
    header = json.dumps(manifest_header(package), indent=2, sort_keys=True, ensure_ascii=False)
    with target.open("w", encoding="utf-8") as out:
        out.write(header[:-2] + ',\n  "notes": [')
        for i, entry in enumerate(note_entries(package)):
            out.write(",\n    " if i else "\n    ")
            out.write(json.dumps(entry, sort_keys=True, ensure_ascii=False))
        out.write("\n  ]\n}\n")


def read_manifest(path: Path) -> dict[str, Any]:
    """Load a manifest written by `write_manifest`; ValueError when it is not one."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("notes"), list):
        raise ValueError("not a manifest: expected an object with a `notes` list")
    for entry in data["notes"]:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("id"), str)
            and isinstance(entry.get("content"), str)
            and isinstance(entry.get("mod"), int)
            and isinstance(entry.get("deck"), str)
        ):
            raise ValueError(f"not a manifest: malformed note entry {json.dumps(entry)[:80]}")
    return data


def carry_note_times(package: Package, previous: dict[str, Any]) -> None:
    """Keep the previous release's time for every note whose content did not change.

    Anki overwrites a candidate's own edit of a note only when the package's time
    for that note is newer than the edit; unchanged notes must not look newer.
    """
    before = {e["id"]: e for e in previous["notes"]}
    for note in package.notes:
        old = before.get(note.id)
        if old is None:
            continue
        if old["content"] == content_hash(note_fields(note), note.tags):
            package.note_times[note.id] = old["mod"]
        elif old["mod"] >= package.mod_time:
            # Changed, but by something outside the package folder (the builder, say):
            # it must still look newer than what candidates imported.
            package.note_times[note.id] = old["mod"] + 1
