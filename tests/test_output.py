"""Writing the output: atomic, and a failure to write leaves the old release in place."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import package_yaml, write_files

from builder.cli import main


def _project(root: Path) -> Path:
    return write_files(
        root,
        {"decks/p/package.yaml": package_yaml("p"), "decks/p/deck.md": "# D\n\n## Q {#q}\n\nA.\n"},
    )


def test_unwritable_output_is_an_error_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    (root / "dist").write_text("a file where the output folder should be")
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    with pytest.raises(SystemExit) as exit_info:
        main(["build"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 1
    assert err.startswith("error: cannot write dist")
    assert "Traceback" not in err
    assert (root / "dist").read_text() == "a file where the output folder should be"
    assert not list(root.glob(".decks-build-*")), "the scratch folder was left behind"


def test_successful_build_replaces_only_its_own_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    (root / "dist").mkdir()
    (root / "dist" / "p.apkg").write_bytes(b"old release")
    (root / "dist" / "keep.txt").write_text("not ours")
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    main(["build"])  # returns normally on success
    assert capsys.readouterr().out.splitlines() == ["wrote dist/p.apkg"]
    assert (root / "dist" / "p.apkg").read_bytes()[:2] == b"PK"
    assert (root / "dist" / "keep.txt").read_text() == "not ours"
    assert sorted(p.name for p in (root / "dist").iterdir()) == [
        "keep.txt",
        "p.apkg",
        "p.manifest.json",
    ]


def test_a_blocked_rename_changes_nothing_in_dist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)
    (root / "dist" / "p.manifest.json").mkdir(parents=True)
    (root / "dist" / "p.apkg").write_bytes(b"old release")
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    with pytest.raises(SystemExit) as exit_info:
        main(["build"])
    assert exit_info.value.code == 1
    assert "cannot write dist/p.manifest.json: a folder is in the way" in capsys.readouterr().err
    assert (root / "dist" / "p.apkg").read_bytes() == b"old release"


@pytest.mark.parametrize("value", ["²", "99999999999999999999", "-5", "1e9"])
def test_a_bad_source_date_epoch_is_a_located_error(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(SystemExit) as exit_info:
        main(["build"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 1
    assert err.startswith(f"SOURCE_DATE_EPOCH: must be whole seconds since 1970, not `{value}`")
    assert not (tmp_path / "dist").exists()
