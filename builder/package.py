"""The only genanki consumer: a validated model in, a deterministic `.apkg` out."""

from __future__ import annotations

import hashlib
import itertools
import json
import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import genanki

from builder import notetypes
from builder.model import Note, NoteKind, Package

RETIRED_CONTEXT = "Retired: no longer taught. Delete all retired notes: search tag:retired"

# Fixed entry metadata so the same notes always zip to the same bytes.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_ZIP_MODE = 0o644 << 16


def note_guid(package_id: str, note_id: str) -> str:
    """A note's identity: from the package and note ids only, never from its text."""
    return str(genanki.guid_for(package_id, note_id))


def deck_id(package_id: str, path: tuple[str, ...]) -> int:
    """A stable deck id (Anki matches decks by name on import; the id only needs to be stable)."""
    digest = hashlib.sha256("\x1f".join((package_id, *path)).encode()).digest()
    return (int.from_bytes(digest[:8], "big") >> 12) + (1 << 40)


def context_label(path: tuple[str, ...]) -> str:
    """The deck path shown small above every prompt."""
    return " \u203a ".join(path)  # a single right-pointing angle quotation mark


class _Note(genanki.Note):  # type: ignore[misc]
    """A genanki note whose cards are the ones we computed, not genanki's regex guess."""

    def __init__(self, ordinals: list[int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._ordinals = ordinals

    @property
    def cards(self) -> list[genanki.Card]:
        return [genanki.Card(o) for o in self._ordinals]


def _models() -> dict[NoteKind, genanki.Model]:
    css = notetypes.css()

    def model(nt: notetypes.NoteType) -> genanki.Model:
        return genanki.Model(
            nt.id,
            nt.name,
            fields=[{"name": f} for f in nt.fields],
            templates=[
                {"name": "Cloze" if nt.cloze else "Card 1", "qfmt": nt.front, "afmt": nt.back}
            ],
            css=css,
            model_type=genanki.Model.CLOZE if nt.cloze else genanki.Model.FRONT_BACK,
        )

    return {NoteKind.BASIC: model(notetypes.BASIC), NoteKind.CLOZE: model(notetypes.CLOZE)}


def note_fields(note: Note) -> list[str]:
    """A note's fields exactly as they are written to Anki."""
    context = context_label(note.deck)
    if note.retired:
        context = RETIRED_CONTEXT
    if note.kind is NoteKind.CLOZE:
        return [note.prompt, note.front_extra, note.back, context, note.id]
    front = note.prompt + ("\n" + note.front_extra if note.front_extra else "")
    return [front, note.back, context, note.id]


def root_description(package: Package) -> str:
    """The root deck's description: the package's own text and its version."""
    version = f'<p class="version">Version {package.meta.version}</p>'
    return f"{package.description_html}\n{version}" if package.description_html else version


def write_apkg(package: Package, target: Path) -> None:
    """Write `package` to `target` (a path in a scratch folder) deterministically."""
    models = _models()
    pid = package.meta.id
    root = (package.meta.title,)
    decks: dict[tuple[str, ...], genanki.Deck] = {}

    def deck_for(path: tuple[str, ...]) -> genanki.Deck:
        full = root + path
        for depth in range(1, len(full) + 1):  # parents too, so each can carry a description
            prefix = full[:depth]
            if prefix not in decks:
                decks[prefix] = genanki.Deck(deck_id(pid, prefix), "::".join(prefix))
        return decks[full]

    deck_for(()).description = root_description(package)
    for deck in package.decks:
        deck_for(deck.path).description = deck.description
    for note in package.notes:
        ordinals = [n - 1 for n in note.cloze_numbers] if note.kind is NoteKind.CLOZE else [0]
        deck_for(note.deck).add_note(
            _Note(
                ordinals,
                model=models[note.kind],
                fields=note_fields(note),
                tags=list(note.tags),
                guid=note_guid(pid, note.id),
            )
        )

    with tempfile.TemporaryDirectory(prefix="decks-db-") as scratch:
        db_path = Path(scratch) / "collection.anki2"
        # We open the database ourselves: genanki's write_to_file leaks a temp file per build.
        conn = sqlite3.connect(db_path)
        try:
            ids = itertools.count(package.mod_time * 1000)
            genanki.Package([decks[k] for k in sorted(decks)]).write_to_db(
                conn.cursor(), package.mod_time, ids
            )
            # genanki stamps every note with one time; a note unchanged since the previous
            # release keeps its older time, so Anki leaves the candidate's own edits alone.
            if package.note_times:
                # Without an index each update scans every note: quadratic at 10,000 notes.
                conn.execute("CREATE INDEX decks_guid ON notes (guid)")
                conn.executemany(
                    "UPDATE notes SET mod = ? WHERE guid = ?",
                    [(t, note_guid(pid, nid)) for nid, t in sorted(package.note_times.items())],
                )
                conn.execute("DROP INDEX decks_guid")
            conn.commit()
        finally:
            conn.close()
        media = sorted(package.media.values(), key=lambda m: m.name)
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as out:
            _add(out, "collection.anki2", db_path)
            index = {str(i): m.name for i, m in enumerate(media)}
            _add_bytes(out, "media", json.dumps(index, sort_keys=True).encode())
            for i, m in enumerate(media):
                _add(out, str(i), m.source)


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    # Level 3 compresses nearly as well as the default at a third of the time; the
    # attribute is public only from Python 3.13 on.
    setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel", 3)
    info.external_attr = _ZIP_MODE
    info.create_system = 3
    return info


def _add(out: zipfile.ZipFile, name: str, source: Path) -> None:
    """Stream a file into the package: a big collection never sits in memory whole."""
    with source.open("rb") as src, out.open(_entry(name), "w") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)


def _add_bytes(out: zipfile.ZipFile, name: str, data: bytes) -> None:
    out.writestr(_entry(name), data)
