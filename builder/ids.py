"""`decks ids`: pin every note's id into its heading, touching no other byte of the file.

A pinned id is the one the note already has (the slug of its heading), so
pinning keeps every note's guid and a candidate's review history; only a
slug that collides with another note's id gets a `-2`, `-3`, … suffix.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from builder.build import discover
from builder.errors import Diagnostic, Diagnostics, Location, OutputError, Severity, SourceErrors
from builder.model import Package
from builder.parse import display_path, read_package

DUPLICATE_ID = "E104"
_HEADING_RE = re.compile(rb"^(\xef\xbb\xbf)? {0,3}##(?=[ \t]|$)")
_CLOSING_RE = re.compile(rb"(?:[ \t]+#+)?[ \t]*$")


@dataclass(frozen=True, slots=True)
class Pin:
    """An id to write into the heading of a note that has none."""

    path: Path
    line: int
    note_id: str
    location: Location


def plan(package: Package) -> list[Pin]:
    """Ids for every unpinned note: its own slug unless another note of the package has it."""
    taken = {n.id for n in package.notes if n.explicit_id}
    pins = []
    for note in package.notes:
        if note.explicit_id:
            continue
        note_id = _free(note.id, taken)
        taken.add(note_id)
        pins.append(Pin(Path(note.location.path), note.location.line, note_id, note.location))
    return pins


def _free(slug: str, taken: set[str]) -> str:
    if slug not in taken:
        return slug
    n = 2
    while f"{slug}-{n}" in taken:
        n += 1
    return f"{slug}-{n}"


def _packages(decks_dir: Path, names: tuple[str, ...], jobs: int | None) -> list[Package]:
    """Read the packages; duplicate ids are fine here (pinning fixes them), other errors not."""
    diags = Diagnostics()
    packages = []
    for folder in discover(decks_dir, names, diags):
        package = read_package(folder, diags, jobs)
        if package is not None:
            packages.append(package)
    blocking = [d for d in diags.errors if d.code != DUPLICATE_ID]
    if blocking:
        raise SourceErrors(diags.sorted())
    return packages


def unpinned(decks_dir: Path, names: tuple[str, ...] = (), jobs: int | None = None) -> list[Pin]:
    """Every note without an explicit id, with the id `decks ids --write` would give it."""
    return [pin for package in _packages(decks_dir, names, jobs) for pin in plan(package)]


def findings(pins: list[Pin]) -> list[Diagnostic]:
    """`ids --check`'s report: one D101 error per unpinned note."""
    return [
        Diagnostic(
            pin.location,
            f"note has no pinned id; `decks ids --write` pins it as `{{#{pin.note_id}}}`",
            Severity.ERROR,
            "D101",
            1,
        )
        for pin in pins
    ]


def pin_heading(line: bytes, note_id: str) -> bytes:
    """A heading line with ` {#id}` after its text, before any closing `#`s and line end."""
    body = line.rstrip(b"\r\n")
    ending = line[len(body) :]
    cut = _CLOSING_RE.search(body)
    end = cut.start() if cut else len(body)
    return body[:end] + b" {#" + note_id.encode() + b"}" + body[end:] + ending


def write(pins: list[Pin]) -> list[Path]:
    """Write every pin into its file; each file is replaced whole, or not at all."""
    by_file: dict[Path, list[Pin]] = {}
    for pin in pins:
        by_file.setdefault(pin.path, []).append(pin)
    staged: list[tuple[Path, bytes]] = []
    for path, file_pins in by_file.items():
        data = path.read_bytes()
        lines = data.splitlines(keepends=True)
        for pin in file_pins:
            index = pin.line - 1
            if index >= len(lines) or not _HEADING_RE.match(lines[index]):
                raise OutputError(
                    f"{display_path(path)}:{pin.line}: expected a `## ` heading; "
                    "did the file change during the run?"
                )
            lines[index] = pin_heading(lines[index], pin.note_id)
        staged.append((path, b"".join(lines)))
    for path, data in staged:
        _replace(path, data)
    return list(by_file)


def _replace(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, so a reader never sees half a file."""
    fd, scratch = tempfile.mkstemp(prefix=".decks-ids-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        shutil.copymode(path, scratch)
        os.replace(scratch, path)
    except OSError as e:
        Path(scratch).unlink(missing_ok=True)
        raise OutputError(f"cannot write {display_path(path)}: {e.strerror or e}") from e


def pin_all(decks_dir: Path, names: tuple[str, ...] = (), jobs: int | None = None) -> list[Pin]:
    """Pin every unpinned note of the selected packages; return what was pinned."""
    pins = unpinned(decks_dir, names, jobs)
    write(pins)
    # Read the result back: every note must now carry exactly the id planned for it.
    found = {str(n.location): n for p in _packages(decks_dir, names, jobs) for n in p.notes}
    for pin in pins:
        note = found.get(str(pin.location))
        if note is None or not note.explicit_id or note.id != pin.note_id:
            raise OutputError(f"{pin.location}: pinning `{{#{pin.note_id}}}` did not take")
    return pins
