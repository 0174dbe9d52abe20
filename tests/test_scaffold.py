"""`decks new`: what it writes passes `decks check --strict` as it stands, and imports into Anki."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from anki.collection import Collection
from conftest import REPO, run_decks
from judge import check_import

from builder.build import build, load


def _strict(capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    return run_decks(["check", "--strict"], capsys)


def test_new_package_passes_strict_and_imports(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    collection: Collection,
    epoch: int,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_decks(
        ["new", "package", "networking", "--title", "Networking: TLS & DNS"], capsys
    )
    assert code == 0
    assert out == "created decks/networking/package.yaml\ncreated decks/networking/basics.md\n"
    code, out, err = _strict(capsys)
    assert (code, out, err) == (0, "", "no problems in 1 package(s), 2 notes\n")
    (package,), _ = load(Path("decks"))
    assert package.meta.title == "Networking: TLS & DNS"
    (apkg,), _ = build(Path("decks"), tmp_path / "dist")
    check_import(collection, apkg, package)
    assert collection.card_count() == 3


def test_new_deck_passes_strict_in_a_shipped_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(REPO / "decks" / "example", tmp_path / "decks" / "example")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_decks(
        ["new", "deck", "example", "protocols/tls", "--deck", "Protocols::TLS", "-v"], capsys
    )
    assert code == 0
    assert out.splitlines() == [
        "created decks/example/protocols/tls.md",
        "next: edit the notes, then run `decks check --strict` and `decks preview`",
    ]
    code, _, _ = run_decks(["new", "deck", "example", "more/tls.md"], capsys)  # same stem elsewhere
    assert code == 0
    assert _strict(capsys)[:2] == (0, "")
    (package,), _ = load(Path("decks"))
    new = [n for n in package.notes if n.location.path.endswith("tls.md")]
    assert sorted(n.id for n in new) == ["tls-2-cards", "tls-2-heading", "tls-cards", "tls-heading"]
    assert {n.deck for n in new} == {("Protocols", "TLS"), ("Tls",)}


def test_new_refuses_to_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    run_decks(["new", "package", "p", "-q"], capsys)
    deck = tmp_path / "decks" / "p" / "basics.md"
    deck.write_text("# Mine\n\n## Q {#q}\n\nA.\n")
    code, _, err = run_decks(["new", "deck", "p", "basics"], capsys)
    assert code == 1
    assert err == "error: decks/p/basics.md already exists; nothing was written\n"
    assert deck.read_text() == "# Mine\n\n## Q {#q}\n\nA.\n"
    code, _, err = run_decks(["new", "package", "p"], capsys)
    assert (code, err) == (1, "error: decks/p already exists; nothing was written\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["new", "package", "Bad Name"], "package name `Bad Name` must be lowercase"),
        (["new", "package", "ok", "--title", "A::B"], "must not contain `::`"),
        (["new", "deck", "missing", "x"], "no package at decks/missing"),
        (["new", "deck", "p", "../escape"], "must be a path inside the package"),
        (["new", "deck", "p", "x", "--deck", "A::"], "deck name `A::` has an empty part"),
    ],
)
def test_new_rejects_bad_names(
    argv: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    run_decks(["new", "package", "p", "-q"], capsys)
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    code, _, err = run_decks(argv, capsys)
    assert code == 1
    assert message in err
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before
