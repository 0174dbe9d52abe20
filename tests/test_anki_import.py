"""Every shipped package and good fixture project, imported into real Anki."""

from __future__ import annotations

from pathlib import Path

import pytest
from anki.collection import Collection
from conftest import FIXTURES, REPO
from judge import check_import

from builder.build import build, load

SHIPPED = sorted(p.parent.name for p in (REPO / "decks").glob("*/package.yaml"))
GOOD = sorted(p.name for p in (FIXTURES / "good").iterdir() if p.is_dir())


def _build_and_judge(decks_dir: Path, out: Path, collection: Collection, name: str) -> None:
    written, _ = build(decks_dir, out, (name,))
    assert [p.name for p in written] == [f"{name}.apkg"]
    (package,), _ = load(decks_dir, (name,))
    check_import(collection, written[0], package)


def test_shipped_packages_exist() -> None:
    assert "example" in SHIPPED
    assert "phone-screen" in SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_package_imports(
    name: str, tmp_path: Path, collection: Collection, epoch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)  # locations are then `decks/...`, as authors see them
    _build_and_judge(Path("decks"), tmp_path / "dist", collection, name)


@pytest.mark.parametrize("name", GOOD)
def test_fixture_project_imports(
    name: str, tmp_path: Path, collection: Collection, epoch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = FIXTURES / "good" / name
    monkeypatch.chdir(project)
    for package in sorted((project / "decks").glob("*/package.yaml")):
        _build_and_judge(Path("decks"), tmp_path / "dist", collection, package.parent.name)
