"""Re-importing a newer build updates notes in place and keeps the candidate's reviews."""

from __future__ import annotations

from pathlib import Path

import pytest
from anki.collection import Collection
from conftest import import_apkg, package_yaml, write_files

from builder.build import build

V1 = """\
# Updates

## What does STRIDE's S stand for? {#stride-s}

Spofing.

## Incident response phases {#ir-phases}

{{c1::Preparation}}, {{c2::Detection and Analysis}}.

## Which AWS service finds PII in S3? {#macie}

Macie.
"""

V2 = V1.replace(
    "## What does STRIDE's S stand for? {#stride-s}",
    "## In STRIDE, which threat does the letter S name? {#stride-s}",
).replace("Spofing.", "Spoofing: pretending to be someone else.")


def _build(root: Path, text: str, when: int, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_files(
        root, {"decks/p/package.yaml": package_yaml("upd", "Updates"), "decks/p/deck.md": text}
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(when))
    monkeypatch.chdir(root)
    written, _ = build(Path("decks"), root / "dist")
    return written[0]


def _review_all(col: Collection) -> None:
    col.decks.set_current(col.decks.id_for_name("Updates"))
    for _ in range(col.card_count()):
        card = col.sched.getCard()
        assert card is not None
        col.sched.answerCard(card, 3)


def _scheduling(col: Collection) -> dict[int, tuple[int, int, int, int, int]]:
    rows = col.db.all("select id, ivl, due, type, queue, reps from cards")
    return {r[0]: tuple(r[1:]) for r in rows}


def _field(col: Collection, note_id: str, field: str) -> str:
    (nid,) = col.find_notes(f"Id:{note_id}")
    return str(col.get_note(nid)[field])


def test_newer_build_updates_in_place_and_keeps_history(
    tmp_path: Path, collection: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    v1 = _build(tmp_path / "v1", V1, 1_700_000_000, monkeypatch)
    import_apkg(collection, v1)
    _review_all(collection)
    reviews = collection.db.scalar("select count() from revlog")
    scheduling = _scheduling(collection)
    assert reviews == 4 and all(reps == 1 for *_, reps in scheduling.values())

    v2 = _build(tmp_path / "v2", V2, 1_700_000_100, monkeypatch)
    log = import_apkg(collection, v2)

    assert len(log.updated) == 3 and not log.new and not log.conflicting  # type: ignore[attr-defined]
    assert collection.note_count() == 3
    assert "which threat does the letter S name" in _field(collection, "stride-s", "Front")
    assert "pretending to be someone else" in _field(collection, "stride-s", "Back")
    assert collection.db.scalar("select count() from revlog") == reviews
    assert _scheduling(collection) == scheduling
    names = sorted(n.name for n in collection.models.all_names_and_ids())
    assert names.count("Markdown Basic") == 1 and names.count("Markdown Cloze") == 1


def test_same_time_rebuild_is_ignored_by_anki(
    tmp_path: Path, collection: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Why the modification time matters: Anki skips notes that are not newer.
    import_apkg(collection, _build(tmp_path / "v1", V1, 1_700_000_000, monkeypatch))
    log = import_apkg(collection, _build(tmp_path / "v2", V2, 1_700_000_000, monkeypatch))
    assert not log.updated  # type: ignore[attr-defined]
    assert "Spofing" in _field(collection, "stride-s", "Back")


def test_added_cloze_adds_a_card_and_keeps_the_others(
    tmp_path: Path, collection: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_apkg(collection, _build(tmp_path / "v1", V1, 1_700_000_000, monkeypatch))
    _review_all(collection)
    before = _scheduling(collection)
    more = V1.replace(
        "{{c2::Detection and Analysis}}.", "{{c2::Detection and Analysis}}, {{c3::Containment}}."
    )
    import_apkg(collection, _build(tmp_path / "v2", more, 1_700_000_100, monkeypatch))
    after = _scheduling(collection)
    assert collection.card_count() == 5
    assert {k: after[k] for k in before} == before
