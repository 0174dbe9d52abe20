"""The build pipeline: discover packages, read and check everything, then write."""

from __future__ import annotations

import os
import re
from pathlib import Path

from builder.errors import Diagnostic, Diagnostics, Location, SourceErrors
from builder.gitinfo import git
from builder.manifest import carry_note_times, read_manifest, write_manifest
from builder.model import Package
from builder.output import write_atomically
from builder.package import write_apkg
from builder.parse import PACKAGE_FILE, display_path, read_package
from builder.progress import Progress


def discover(decks_dir: Path, names: tuple[str, ...], diags: Diagnostics) -> list[Path]:
    """Package folders under `decks_dir`, sorted; `names` picks some of them."""
    if not decks_dir.is_dir():
        diags.error(
            Location(display_path(decks_dir), 0),
            "no such folder: run from the project root, or pass --decks-dir",
            code="E001",
        )
        return []
    found: list[Path] = []
    for entry in sorted(decks_dir.iterdir()):
        if entry.is_dir() and (entry / PACKAGE_FILE).is_file():
            found.append(entry)
        elif entry.is_dir() and any(entry.rglob("*.md")):
            diags.error(
                Location(display_path(entry), 0),
                f"folder has Markdown files but no {PACKAGE_FILE}: add one to make it a package",
                code="E002",
            )
        elif entry.suffix == ".md":
            diags.error(
                Location(display_path(entry), 0),
                "deck files belong in a package "
                f"folder with a {PACKAGE_FILE}, not directly in {decks_dir.name}/",
                code="E003",
            )
    if names:
        by_name = {p.name: p for p in found}
        for name in names:
            if name not in by_name:
                diags.error(
                    Location(display_path(decks_dir / name), 0),
                    f"no package named `{name}`; packages: {', '.join(sorted(by_name)) or 'none'}",
                    code="E004",
                )
        found = [by_name[n] for n in dict.fromkeys(names) if n in by_name]
    return found


def modification_time(folder: Path, diags: Diagnostics) -> int:
    """Note modification time: SOURCE_DATE_EPOCH, else the package's last commit time."""
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env is not None:
        # ASCII digits only, and a time SQLite can store (`'²'.isdigit()` is true).
        if re.fullmatch(r"[0-9]{1,11}", env.strip()):
            return int(env)
        diags.error(
            Location("SOURCE_DATE_EPOCH", 0),
            f"must be whole seconds since 1970, not `{env}`",
            code="E005",
        )
        return 0
    newest_file = max((int(p.stat().st_mtime) for p in folder.rglob("*") if p.is_file()), default=0)
    commit = git(folder, "log", "-1", "--format=%ct", "--", ".")
    if not commit:
        return newest_file  # not in git: not reproducible, but newer edits still win
    if git(folder, "status", "--porcelain", "--", "."):
        # Uncommitted edits must still update an earlier import of this package.
        return max(int(commit), newest_file)
    return int(commit)


def load(
    decks_dir: Path,
    names: tuple[str, ...] = (),
    jobs: int | None = None,
    progress: Progress | None = None,
) -> tuple[list[Package], list[Diagnostic]]:
    """Read and check every selected package; raise SourceErrors if any has an error."""
    diags = Diagnostics()
    packages: list[Package] = []
    for folder in discover(decks_dir, names, diags):
        package = read_package(folder, diags, jobs, progress)
        if package is not None:
            packages.append(package)
    _check_distinct_ids(packages, diags)
    if diags.errors:
        raise SourceErrors(diags.sorted())
    return packages, diags.sorted()


def _check_distinct_ids(packages: list[Package], diags: Diagnostics) -> None:
    """Two packages with one id would share guids and overwrite each other's notes."""
    seen: dict[str, Package] = {}
    for package in packages:
        first = seen.setdefault(package.meta.id, package)
        if first is not package:
            diags.error(
                Location(display_path(package.folder / PACKAGE_FILE), 1),
                f"package id `{package.meta.id}` is also used by "
                f"{display_path(first.folder / PACKAGE_FILE)}",
                code="E006",
            )


def _carry_previous(package: Package, previous: Path, diags: Diagnostics) -> None:
    """Apply the previous release's manifest of this package, when there is one."""
    path = previous / f"{package.name}.manifest.json"
    if not path.is_file():
        return  # a package new in this release
    try:
        manifest = read_manifest(path)
    except (OSError, ValueError) as e:
        diags.error(
            Location(display_path(path), 0), f"cannot read previous manifest: {e}", code="E007"
        )
        return
    if manifest.get("id") != package.meta.id:
        diags.error(
            Location(display_path(path), 0),
            f"previous manifest is for package id `{manifest.get('id')}`, not `{package.meta.id}`",
            code="E007",
        )
        return
    carry_note_times(package, manifest)


def build(
    decks_dir: Path,
    out_dir: Path,
    names: tuple[str, ...] = (),
    jobs: int | None = None,
    previous: Path | None = None,
    progress: Progress | None = None,
) -> tuple[list[Path], list[Diagnostic]]:
    """Build packages into `out_dir`; nothing there changes unless every package succeeds.

    `previous` is a folder with the previous release's manifests: notes unchanged
    since then keep their old modification time.
    """
    packages, findings = load(decks_dir, names, jobs, progress)
    diags = Diagnostics()
    for package in packages:
        package.mod_time = modification_time(package.folder, diags)
        if previous is not None:
            _carry_previous(package, previous, diags)
    if diags.errors:
        raise SourceErrors(diags.sorted())

    def stage(scratch: Path) -> list[Path]:
        staged = []
        for done, package in enumerate(packages):
            if progress is not None:
                progress("writing", done, len(packages))
            target = scratch / f"{package.name}.apkg"
            write_apkg(package, target)
            manifest = scratch / f"{package.name}.manifest.json"
            write_manifest(package, manifest)
            staged += [target, manifest]
        if progress is not None:
            progress("writing", len(packages), len(packages))
        return staged

    written = [p for p in write_atomically(out_dir, stage) if p.suffix == ".apkg"]
    return written, findings
