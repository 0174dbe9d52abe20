"""A release: build twice and compare, then release notes and checksums beside the packages."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from builder.build import build
from builder.diff import diff_paths, read_release
from builder.errors import BuilderError
from builder.parse import display_path

NOTES_FILE = "RELEASE_NOTES.md"
SUMS_FILE = "SHA256SUMS"


class ReproducibilityError(BuilderError):
    """Raised when two builds of the same sources differ."""


@dataclass(frozen=True, slots=True)
class Release:
    """What a release publishes."""

    files: list[Path]
    """Packages and manifests, in publishing order."""
    notes: Path
    sums: Path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _rebuild_elsewhere(decks_dir: Path, previous: Path | None, scratch: Path) -> Path:
    """Build again in a fresh interpreter, into another folder."""
    out = scratch / "dist"
    command = [
        sys.executable,
        "-m",
        "builder",
        "build",
        "--quiet",
        "--decks-dir",
        str(decks_dir.resolve()),
        "--out",
        str(out),
    ]
    if previous is not None:
        command += ["--previous", str(previous.resolve())]
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, env=dict(os.environ)
    )
    if done.returncode != 0:
        raise ReproducibilityError(f"the second build failed:\n{done.stderr.strip()}")
    return out


def make_release(decks_dir: Path, out_dir: Path, previous: Path | None = None) -> Release:
    """Build into `out_dir`, prove the build reproducible, and write notes and checksums."""
    written, _ = build(decks_dir, out_dir, previous=previous)
    files: list[Path] = []
    for apkg in written:
        files += [apkg, apkg.with_name(apkg.name.removesuffix(".apkg") + ".manifest.json")]
    with tempfile.TemporaryDirectory(prefix="decks-release-") as scratch:
        again = _rebuild_elsewhere(decks_dir, previous, Path(scratch))
        for path in files:
            other = again / path.name
            if not other.is_file() or other.read_bytes() != path.read_bytes():
                raise ReproducibilityError(
                    f"{display_path(path)} differs between two builds of the same sources"
                )

    notes = out_dir / NOTES_FILE
    if previous is not None and any(previous.glob("*.manifest.json")):
        text = diff_paths(previous, out_dir)
    else:
        text = "\n".join(_first_release(path) for path in files if path.suffix == ".json")
    notes.write_text(text, encoding="utf-8")

    sums = out_dir / SUMS_FILE
    sums.write_text("".join(f"{_sha256(p)}  {p.name}\n" for p in sorted(files)), encoding="utf-8")
    return Release(files, notes, sums)


def _first_release(manifest: Path) -> str:
    release = read_release(manifest)
    return (
        f"## {release.title} {release.version}\n\nFirst release: {len(release.notes)} "
        f"notes, {release.cards} cards.\n"
    )
