"""Shared test helpers: build projects and import packages into the real Anki backend."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def chdir_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test from an empty project folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def epoch(monkeypatch: pytest.MonkeyPatch) -> int:
    """Pin the note modification time so builds do not depend on git."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return 1700000000


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[Collection]:
    """A fresh, empty Anki collection."""
    folder = tmp_path / "anki-profile"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()


def import_apkg(col: Collection, path: Path) -> object:
    """Import a package the way Anki's File > Import does, returning the import log."""
    request = ImportAnkiPackageRequest(
        package_path=str(path.resolve()), options=ImportAnkiPackageOptions()
    )
    return col.import_anki_package(request).log


def copy_project(source: Path, target: Path) -> Path:
    """Copy a fixture project (its decks/ and any dist/) to a scratch folder."""
    shutil.copytree(source, target, dirs_exist_ok=True)
    return target


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write a project from a mapping of relative path to content."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def package_yaml(pid: str = "pkg", title: str = "Pkg", version: str = "1.0") -> str:
    """A minimal valid package.yaml."""
    return f"id: {pid}\ntitle: {title}\nversion: '{version}'\n"


def run_decks(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run `decks …` in-process: exit code (0 when it returned normally), stdout, stderr."""
    from builder.cli import main

    code = 0
    try:
        main(argv)
    except SystemExit as e:
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def fresh_env(**extra: str) -> dict[str, str]:
    """The environment for a `decks` subprocess."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update(extra)
    return env
