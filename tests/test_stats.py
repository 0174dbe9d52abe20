"""`decks stats`: every total, deck and tag count agrees with what real Anki counts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from anki.collection import Collection
from conftest import FIXTURES, REPO, import_apkg, package_yaml, write_files

from builder.build import build, load
from builder.cli import main
from builder.stats import stats

MIXED = {
    "decks/m/package.yaml": package_yaml("m", "Mixed"),
    "decks/m/a.md": (
        "---\ndeck: Top::Sub\ntags: [aws]\n---\n"
        "## One {#one}\ntags: aws::iam\n\nA.\n\n"
        "## Two {#two}\n\n{{c1::x}} {{c2::y}} {{c3::z}}\n\n"
        "## Gone {#gone .retired}\n\n{{c1::old}} and {{c2::older}}\n"
    ),
    "decks/m/b.md": "# Top\n\n## Three {#three}\ntags: iam_policy\n\nB.\n",
}


def _quote(text: str) -> str:
    """Anki search text for an exact name: its wildcards `*` and `_` escaped."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("*", "\\*").replace("_", "\\_")


def _anki_counts(col: Collection, query: str) -> tuple[int, int]:
    return len(col.find_notes(query)), len(col.find_cards(query))


def _judge(col: Collection, data: dict[str, Any]) -> None:
    """Check one package's stats against a collection holding only that package."""
    assert data["notes"] == col.note_count()
    assert data["cards"] == col.card_count()
    assert (data["basic_notes"], data["basic_cards"]) == _anki_counts(col, 'note:"Markdown Basic"')
    assert (data["cloze_notes"], data["cloze_cards"]) == _anki_counts(col, 'note:"Markdown Cloze"')
    assert (data["retired_notes"], data["retired_cards"]) == _anki_counts(col, "tag:retired")
    assert data["study_cards"] == len(col.find_cards("-tag:retired"))
    anki_decks = {d.name for d in col.decks.all_names_and_ids()} - {"Default"}
    assert {d["deck"] for d in data["decks"]} == anki_decks
    for deck in data["decks"]:
        name = _quote(deck["deck"])
        own = f'"deck:{name}" -"deck:{name}::*"'
        assert (deck["notes"], deck["cards"]) == _anki_counts(col, own), deck
        assert (deck["basic_notes"], deck["basic_cards"]) == _anki_counts(
            col, f'{own} note:"Markdown Basic"'
        )
        assert (deck["notes_with_subdecks"], deck["cards_with_subdecks"]) == _anki_counts(
            col, f'"deck:{name}"'
        )
    assert {t["tag"] for t in data["tags"]} == set(col.tags.all())
    exact: dict[str, list[int]] = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        for tag in note.tags:
            counts = exact.setdefault(tag, [0, 0])
            counts[0] += 1
            counts[1] += len(note.cards())
    for tag in data["tags"]:
        assert [tag["notes"], tag["cards"]] == exact[tag["tag"]], tag
        found = _anki_counts(col, f'"tag:{_quote(tag["tag"])}"')
        assert (tag["notes_with_children"], tag["cards_with_children"]) == found, tag


def _build_and_import(decks: Path, name: str, out: Path, col: Collection) -> dict[str, Any]:
    (apkg,), _ = build(decks, out, (name,))
    import_apkg(col, apkg)
    packages, _ = load(decks, (name,))
    data: dict[str, Any] = stats(packages)["packages"][0]
    return data


@pytest.mark.parametrize("name", ["example", "phone-screen"])
def test_shipped_stats_match_anki(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection, epoch: int
) -> None:
    monkeypatch.chdir(REPO)
    data = _build_and_import(Path("decks"), name, tmp_path / "dist", collection)
    assert data["cards"] > data["notes"] > 0
    _judge(collection, data)


def test_fixture_stats_match_anki(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection, epoch: int
) -> None:
    write_files(tmp_path, MIXED)
    monkeypatch.chdir(tmp_path)
    data = _build_and_import(Path("decks"), "m", tmp_path / "dist", collection)
    assert (data["notes"], data["cards"], data["retired_cards"], data["study_cards"]) == (
        4,
        7,
        2,
        5,
    )
    _judge(collection, data)


def test_edge_case_fixture_stats_match_anki(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection, epoch: int
) -> None:
    monkeypatch.chdir(FIXTURES / "good" / "edge-cases")
    _judge(collection, _build_and_import(Path("decks"), "edge", tmp_path / "dist", collection))


def test_json_and_text_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(tmp_path, MIXED)
    monkeypatch.chdir(tmp_path)
    main(["stats", "--json"])
    data = json.loads(capsys.readouterr().out)
    packages, _ = load(Path("decks"))
    assert data == stats(packages)
    assert data["totals"]["cards"] == 7
    main(["stats"])
    assert capsys.readouterr().out == (
        "m (Mixed 1.0): 4 notes, 7 cards (2 basic, 5 cloze, 2 retired); "
        "a candidate studies 5 cards\n"
        "\n"
        "  deck             notes  cards  basic  cloze\n"
        "  Mixed                0      0      0      0\n"
        "  Mixed::Retired       1      2      0      1\n"
        "  Mixed::Top           1      1      1      0\n"
        "  Mixed::Top::Sub      2      4      1      1\n"
        "\n"
        "  tag         notes  cards\n"
        "  aws             3      6\n"
        "  aws::iam        1      1\n"
        "  iam_policy      1      1\n"
        "  retired         1      2\n"
    )
    main(["stats", "-q"])
    assert capsys.readouterr().out.count("\n") == 1
    main(["stats", "-v"])
    assert "notes+sub  cards+sub" in capsys.readouterr().out
