"""`decks ids`: pin every note's id without touching any other byte; keep every guid."""

from __future__ import annotations

from pathlib import Path

import pytest
from anki.collection import Collection
from conftest import import_apkg, package_yaml, run_decks, write_files

from builder.build import build, load
from builder.cli import main
from builder.ids import pin_heading

# Mixed on purpose: a BOM, CRLF endings, trailing blanks, a closing `##` run, tabs, a
# heading inside a fence (not a note), an explicit id, two headings with the same slug,
# and a slug that another note already uses as its explicit id.
DECK = (
    "\ufeff# Pins\r\n"
    "\r\n"
    "## What is a nonce?   \r\n"
    "\r\n"
    "A number used once.\r\n"
    "\r\n"
    "## Closing hashes ##\r\n"
    "\r\n"
    "Stay after the id.\r\n"
    "\r\n"
    "##\tTabbed heading\r\n"
    "\r\n"
    "```markdown\r\n"
    "## not a note\r\n"
    "```\r\n"
    "\r\n"
    "## Already pinned {#kept}\r\n"
    "\r\n"
    "Untouched.\r\n"
    "\r\n"
    "## Same words\r\n"
    "\r\n"
    "First.\r\n"
    "\r\n"
    "## Same words\r\n"
    "\r\n"
    "Second.\r\n"
)
OTHER = "# Other\n\n## Taken {#what-is-a-nonce}\n\nAn explicit id that a slug would collide with.\n"

PINNED = (
    DECK.replace("## What is a nonce?   \r\n", "## What is a nonce? {#what-is-a-nonce-2}   \r\n")
    .replace("## Closing hashes ##\r\n", "## Closing hashes {#closing-hashes} ##\r\n")
    .replace("##\tTabbed heading\r\n", "##\tTabbed heading {#tabbed-heading}\r\n")
    .replace("## Same words\r\n\r\nFirst.", "## Same words {#same-words}\r\n\r\nFirst.")
    .replace("## Same words\r\n\r\nSecond.", "## Same words {#same-words-2}\r\n\r\nSecond.")
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_files(tmp_path, {"decks/p/package.yaml": package_yaml("p"), "decks/p/b.md": OTHER})
    (tmp_path / "decks" / "p" / "a.md").write_bytes(DECK.encode("utf-8"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_write_pins_every_note_and_changes_no_other_byte(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = project / "decks" / "p" / "a.md"
    other = (project / "decks" / "p" / "b.md").read_bytes()
    code, out, _ = run_decks(["ids", "--write"], capsys)
    assert code == 0
    assert out == "pinned 5 note id(s) in 1 file(s)\n"
    assert deck.read_bytes() == PINNED.encode("utf-8")
    assert (project / "decks" / "p" / "b.md").read_bytes() == other
    (package,), _ = load(Path("decks"))  # builds now: no duplicate ids left
    assert all(n.explicit_id for n in package.notes)
    assert len({n.id for n in package.notes}) == len(package.notes) == 7


def test_write_is_idempotent(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_decks(["ids", "--write"], capsys)
    once = (project / "decks" / "p" / "a.md").read_bytes()
    code, out, _ = run_decks(["ids", "--write"], capsys)
    assert (code, out) == (0, "pinned 0 note id(s) in 0 file(s)\n")
    assert (project / "decks" / "p" / "a.md").read_bytes() == once


def test_check_fails_until_every_note_is_pinned(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_decks(["ids", "--check"], capsys)
    assert code == 1
    assert out.splitlines() == [
        "decks/p/a.md:3:1: D101 note has no pinned id; "
        "`decks ids --write` pins it as `{#what-is-a-nonce-2}`",
        "decks/p/a.md:7:1: D101 note has no pinned id; "
        "`decks ids --write` pins it as `{#closing-hashes}`",
        "decks/p/a.md:11:1: D101 note has no pinned id; "
        "`decks ids --write` pins it as `{#tabbed-heading}`",
        "decks/p/a.md:21:1: D101 note has no pinned id; "
        "`decks ids --write` pins it as `{#same-words}`",
        "decks/p/a.md:25:1: D101 note has no pinned id; "
        "`decks ids --write` pins it as `{#same-words-2}`",
    ]
    assert err == "5 note(s) without a pinned id; `decks ids --write` pins them\n"
    assert run_decks(["ids"], capsys)[0] == 0  # listing alone never fails
    run_decks(["ids", "--write", "-q"], capsys)
    assert run_decks(["ids", "--check"], capsys) == (0, "", "every note has a pinned id\n")


def test_write_refuses_sources_with_other_errors(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = project / "decks" / "p" / "c.md"
    broken.write_text("# C\n\n## Unclosed\n\n{{c1::never closed\n")
    before = (project / "decks" / "p" / "a.md").read_bytes()
    code, _, err = run_decks(["ids", "--write"], capsys)
    assert code == 1
    assert "decks/p/c.md:5: cloze is not closed" in err
    assert err.splitlines()[-1].endswith("error(s); nothing was written")
    assert (project / "decks" / "p" / "a.md").read_bytes() == before
    assert broken.read_text() == "# C\n\n## Unclosed\n\n{{c1::never closed\n"


@pytest.mark.parametrize(
    ("line", "pinned"),
    [
        (b"## Q\n", b"## Q {#x}\n"),
        (b"## Q", b"## Q {#x}"),
        (b"## Q  \r\n", b"## Q {#x}  \r\n"),
        (b"## Q ##  \n", b"## Q {#x} ##  \n"),
        (b"   ## C# and F#\n", b"   ## C# and F# {#x}\n"),
        (b"## Set {a, b}\n", b"## Set {a, b} {#x}\n"),
    ],
)
def test_pin_heading(line: bytes, pinned: bytes) -> None:
    assert pin_heading(line, "x") == pinned


def test_pinning_keeps_every_note_and_its_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection
) -> None:
    deck = (
        "# H\n\n## What does MFA add?\n\nA second factor.\n\n## Clozes\n\n{{c1::a}} and {{c2::b}}\n"
    )
    write_files(tmp_path, {"decks/h/package.yaml": package_yaml("h", "H"), "decks/h/d.md": deck})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (first,), _ = build(Path("decks"), Path("dist-1"))
    import_apkg(collection, first)
    before = {n: collection.get_note(n)["Id"] for n in collection.find_notes("")}
    cards_before = collection.card_count()
    main(["ids", "--write", "--quiet"])
    assert "## What does MFA add? {#what-does-mfa-add}" in (tmp_path / "decks/h/d.md").read_text()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000100")
    (second,), _ = build(Path("decks"), Path("dist-2"))
    log = import_apkg(collection, second)
    assert len(log.new) == 0  # type: ignore[attr-defined]
    assert len(log.updated) == 2  # type: ignore[attr-defined]
    after = {n: collection.get_note(n)["Id"] for n in collection.find_notes("")}
    assert after == before
    assert collection.card_count() == cards_before == 3
