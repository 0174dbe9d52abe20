"""`decks stories build`: the personal package, judged by the real Anki backend."""

from __future__ import annotations

import os
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest
from anki.collection import Collection
from conftest import FIXTURES, REPO, import_apkg, package_yaml, write_files
from judge import visible_text
from test_stories_helpers import META, run, story, write

from builder.build import build
from builder.model import NoteKind, Package
from builder.parse import PACKAGE_ID_RE
from builder.stories import prose
from builder.stories.build import PACKAGE_ID, build_stories, compile_package
from builder.stories.model import STAR, Part, Story, StoryErrors
from builder.stories.parse import read_stories

BANK = FIXTURES / "stories" / "bank"
EXAMPLE = REPO / "stories" / "example-good.md"
ROOT = "My STAR Stories"


def _seq(text: str) -> str:
    """Words in order, so a passage can be found in a card whatever the markup around it."""
    return " ".join(prose.WORD_RE.findall(text))


def _model(paths: list[Path]) -> tuple[list[Story], Package]:
    stories, found = read_stories(paths)
    assert not found
    return stories, compile_package(stories, paths[0], 1)


def _judge(col: Collection, apkg: Path, stories: list[Story], package: Package) -> None:
    """Import into an empty collection and check every note and card against the stories."""
    log = import_apkg(col, apkg)
    assert len(log.new) == len(package.notes)  # type: ignore[attr-defined]
    assert col.note_count() == len(package.notes)
    assert col.card_count() == sum(
        len(n.cloze_numbers) if n.kind is NoteKind.CLOZE else 1 for n in package.notes
    )
    assert not col.get_empty_cards().notes, "Anki reports empty cards"
    names = {d.name for d in col.decks.all_names_and_ids()} - {"Default"}
    assert names == {ROOT, f"{ROOT}::Principles", f"{ROOT}::Stories"}

    by_id = {s.id: s for s in stories}
    model = {n.id: n for n in package.notes}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        ours = model[note["Id"]]
        cards = sorted(note.cards(), key=lambda c: c.ord)
        assert sorted(note.tags) == sorted(ours.tags)
        assert {col.decks.name(c.did) for c in cards} == {"::".join((ROOT, *ours.deck))}
        if ours.id.startswith("lp."):
            assert note.note_type()["type"] == 0
            serving = [s for s in stories if any(t == f"lp::{ours.id[3:]}" for t in _tags(s))]
            assert serving
            answer = _seq(visible_text(cards[0].answer()))
            for s in serving:
                assert _seq(s.title) in answer
            continue
        assert note.note_type()["type"] == 1
        numbers = sorted(note.cloze_numbers_in_fields())  # Anki's own cloze parser
        assert numbers == list(ours.cloze_numbers) == [c.ord + 1 for c in cards]
        story_id, kind = ours.id.rsplit(".", 1)
        s = by_id[story_id]
        if kind == "result":
            _judge_result(cards, s)
        else:
            assert kind == "star"
            _judge_star(cards, s)


def _tags(s: Story) -> list[str]:
    from builder.stories.principles import BY_NAME

    return [f"lp::{BY_NAME[p].slug}" for p in s.principles]


def _judge_result(cards: list[object], s: Story) -> None:
    """Card k hides the k-th distinct number of the Result, and the answer shows them all."""
    text = prose.plain_text(s.sections[Part.RESULT].body)
    distinct: list[str] = []
    for m in prose.NUMBER_RE.finditer(text):
        if m.group().lower() not in distinct:
            distinct.append(m.group().lower())
    assert len(cards) == len(distinct)
    for card, number in zip(cards, distinct, strict=True):
        question = visible_text(card.question())  # type: ignore[attr-defined]
        answer = visible_text(card.answer())  # type: ignore[attr-defined]
        assert "[...]" in question
        hidden = set(prose.WORD_RE.findall(number))
        assert not hidden & set(prose.WORD_RE.findall(question)), (number, question)
        assert _seq(text) in _seq(answer)


def _judge_star(cards: list[object], s: Story) -> None:
    """Card k hides section k and shows every other section; the answer shows all of them."""
    parts = [p for p in (*STAR, Part.LEARNING) if p in s.sections]
    assert len(cards) == len(parts)
    for card, hidden in zip(cards, parts, strict=True):
        question = _seq(visible_text(card.question()))  # type: ignore[attr-defined]
        answer = _seq(visible_text(card.answer()))  # type: ignore[attr-defined]
        assert _seq(s.title) in question
        for part in parts:
            said = _seq(prose.plain_text(s.sections[part].body))
            assert said in answer
            assert (said in question) is (part is not hidden), (part, hidden)


def _build(project: Path, *paths: str, out: str = "dist") -> Path:
    target, _ = build_stories([project / p for p in paths] or [project], project / out)
    return target


def test_bank_and_example_import_into_real_anki(
    tmp_path: Path, collection: Collection, epoch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    paths = [Path("tests/fixtures/stories/bank"), Path("stories/example-good.md")]
    target, findings = build_stories(paths, tmp_path / "dist")
    assert findings == []
    assert target == tmp_path / "dist" / "my-stories.apkg"
    stories, package = _model(paths)
    assert len(stories) == 4
    # 7 principles served, a STAR note per story, a result note per story with numbers.
    assert len(package.notes) == 7 + 4 + 4
    _judge(collection, target, stories, package)
    root = collection.decks.by_name(ROOT)
    assert root is not None
    assert "4 stories." in root["desc"] and "Version 2023-11-14" in root["desc"]


def test_result_without_a_number_makes_no_result_note(
    tmp_path: Path, collection: Collection, epoch: int
) -> None:
    write(tmp_path, {"s.md": story(result="It went well.")})
    stories, package = _model([tmp_path / "s.md"])
    assert sorted(n.id for n in package.notes) == [
        "leaked-keys.star",
        "lp.deliver-results",
        "lp.ownership",
    ]
    _judge(collection, _build(tmp_path, "s.md"), stories, package)


def test_text_that_looks_like_anki_syntax_stays_text(
    tmp_path: Path, collection: Collection, epoch: int
) -> None:
    meta = META.replace("Leaked keys", "Fixed {{c9::x}} in <b>std::map</b> & *more*")
    result = "Saved 4 hours; see {{c7::this}} and `a::b` and <u>under}}lined</u>."
    write(tmp_path, {"s.md": story(meta, result=result)})
    stories, package = _model([tmp_path / "s.md"])
    _judge(collection, _build(tmp_path, "s.md"), stories, package)
    (nid,) = collection.find_notes("Id:fixed-c9-x-in-b-std-map-b-more.result")
    note = collection.get_note(nid)
    assert note.cloze_numbers_in_fields() == [1]
    card = note.cards()[0]
    assert "{{c7::this}}" in visible_text(card.question())
    assert "Fixed {{c9::x}} in <b>std::map</b> & *more*" in visible_text(card.question())
    assert "under}}lined" in visible_text(card.answer())


def _review_all(col: Collection) -> None:
    col.decks.set_current(col.decks.id_for_name(ROOT))
    for _ in range(col.card_count()):
        card = col.sched.getCard()
        assert card is not None
        col.sched.answerCard(card, 3)


def _scheduling(col: Collection) -> dict[int, tuple[int, ...]]:
    rows = col.db.all("select id, ivl, due, type, queue, reps from cards")
    return {r[0]: tuple(r[1:]) for r in rows}


def _field(col: Collection, note_id: str, field: str) -> str:
    (nid,) = col.find_notes(f"Id:{note_id}")
    return str(col.get_note(nid)[field])


def test_editing_a_story_updates_its_notes_in_place(
    tmp_path: Path, collection: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    meta = META + "id: keys\n"
    write(tmp_path, {"stories/s.md": story(meta)})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    import_apkg(collection, _build(tmp_path, "stories"))
    _review_all(collection)
    reviews = collection.db.scalar("select count() from revlog")
    before = _scheduling(collection)
    assert reviews == collection.card_count() == 2 + 3 + 5

    edited = story(
        meta.replace("Leaked keys", "Revoked leaked AWS keys"),
        action="I traced every key to its owner and rotated it the same day.",
        result="All 4 live keys were revoked in 2 days, and the check blocked 31 leaks.",
    )
    write(tmp_path, {"stories/s.md": edited})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000100")
    log = import_apkg(collection, _build(tmp_path, "stories"))

    assert not log.new and not log.conflicting  # type: ignore[attr-defined]
    assert len(log.updated) == 4  # type: ignore[attr-defined]
    assert collection.note_count() == 4
    assert "rotated it the same day" in _field(collection, "keys.star", "Text")
    assert "Revoked leaked AWS keys" in _field(collection, "keys.star", "Title")
    assert "{{c2::2}} days" in _field(collection, "keys.result", "Text")
    assert "Revoked leaked AWS keys" in _field(collection, "lp.ownership", "Back")
    assert collection.db.scalar("select count() from revlog") == reviews
    assert _scheduling(collection) == before


def test_renaming_a_story_without_an_id_makes_new_notes(
    tmp_path: Path, collection: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The documented trade-off of ids derived from the title.
    write(tmp_path, {"stories/s.md": story()})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    import_apkg(collection, _build(tmp_path, "stories"))
    write(tmp_path, {"stories/s.md": story(META.replace("Leaked keys", "Revoked keys"))})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000100")
    log = import_apkg(collection, _build(tmp_path, "stories"))
    new = sorted(n.fields[-1] for n in log.new)  # type: ignore[attr-defined]
    assert new == ["revoked-keys.result", "revoked-keys.star"]
    assert collection.find_notes("Id:leaked-keys.star")


def test_never_collides_with_a_flagship_package(
    tmp_path: Path, collection: Collection, epoch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A flagship package named like ours, with our very note ids, still shares no note.
    assert not PACKAGE_ID_RE.match(PACKAGE_ID)
    flagship = "# Mimic\n\n## A {#lp.ownership}\n\nA.\n\n## B {#leaked-keys.star}\n\nB.\n"
    write_files(
        tmp_path,
        {
            "decks/my-stories/package.yaml": package_yaml("my-stories", ROOT),
            "decks/my-stories/deck.md": flagship,
            "stories/s.md": story(),
        },
    )
    monkeypatch.chdir(tmp_path)
    (flagship_apkg,), _ = build(Path("decks"), tmp_path / "flagship")
    import_apkg(collection, flagship_apkg)
    log = import_apkg(collection, _build(tmp_path, "stories"))
    assert len(log.new) == 4 and not log.updated and not log.duplicate  # type: ignore[attr-defined]
    assert collection.note_count() == 2 + 4


def test_same_sources_same_bytes(tmp_path: Path, epoch: int) -> None:
    builds = []
    for where in ("one", "two/deeper"):
        project = write(
            tmp_path / where,
            {
                "stories/s.md": story(),
                "stories/t.md": story(META.replace("Leaked keys", "Other") + "id: other\n"),
            },
        )
        builds.append(_build(project, "stories").read_bytes())
    assert builds[0] == builds[1]


def _note_mods(apkg: Path, tmp_path: Path) -> set[int]:
    db = tmp_path / "col.anki2"
    with zipfile.ZipFile(apkg) as z:
        db.write_bytes(z.read("collection.anki2"))
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("select mod from notes")}


def test_modification_time_follows_the_newest_story_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    project = write(
        tmp_path / "p",
        {"stories/a.md": story(), "stories/b.md": story(META.replace("Leaked keys", "Other"))},
    )
    folder = project / "stories"
    for path, when in ((folder / "a.md", 1_600_000_000), (folder / "b.md", 1_650_000_000)):
        os.utime(path, (when, when))
    os.utime(folder, (1_500_000_000, 1_500_000_000))
    assert _note_mods(_build(project, "stories"), tmp_path) == {1_650_000_000}
    os.utime(folder / "a.md", (1_700_000_000, 1_700_000_000))  # an edit
    assert _note_mods(_build(project, "stories"), tmp_path) == {1_700_000_000}
    (folder / "b.md").unlink()  # a deletion changes only the folder
    os.utime(folder, (1_750_000_000, 1_750_000_000))
    assert _note_mods(_build(project, "stories"), tmp_path) == {1_750_000_000}


def test_source_date_epoch_wins_and_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = write(tmp_path / "p", {"stories/a.md": story()})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    assert _note_mods(_build(project, "stories"), tmp_path) == {1234567890}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(StoryErrors) as info:
        _build(project, "stories")
    findings = info.value.findings
    (problem,) = (str(f) for f in findings)
    assert problem.startswith("SOURCE_DATE_EPOCH: error S001: ")
    assert "`yesterday`" in problem


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_failed_build_changes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    epoch: int,
) -> None:
    write(
        tmp_path,
        {
            "stories/good.md": story(),
            "stories/bad.md": story(META.replace("Ownership", "Ownershp") + "id: b\n", task=None),
            "dist/my-stories.apkg": "an earlier build",
            "dist/phone-screen.apkg": "the flagship",
        },
    )
    monkeypatch.chdir(tmp_path)
    before = _snapshot(tmp_path)
    code, out, err = run(["stories", "build"], capsys)
    assert code == 1
    assert err.splitlines() == [
        "stories/bad.md:2: error S101: no `## Task` section: your own responsibility and "
        "the challenge",
        "stories/bad.md:3: error S107: unknown principle `Ownershp`: did you mean `Ownership`?",
        "2 error(s); nothing was written",
    ]
    assert out == ""
    assert _snapshot(tmp_path) == before
    assert not list(tmp_path.glob(".decks-build-*"))


def test_build_writes_only_its_own_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    epoch: int,
) -> None:
    write(
        tmp_path,
        {
            "stories/s.md": story(result="It went well."),
            "dist/phone-screen.apkg": "the flagship",
            "dist/notes.txt": "mine",
        },
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["stories", "build"], capsys)
    assert code == 0
    assert out == "wrote dist/my-stories.apkg\n"
    assert "stories/s.md:19: warning S103" in err
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == [
        "my-stories.apkg",
        "notes.txt",
        "phone-screen.apkg",
    ]
    assert (tmp_path / "dist" / "notes.txt").read_text() == "mine"
    assert not list(tmp_path.glob(".decks-build-*"))
    code, out, _ = run(["stories", "build", "-q"], capsys)
    assert code == 0 and out == ""


def test_examples_in_the_folder_are_not_built(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    epoch: int,
) -> None:
    write(tmp_path, {"stories/example-good.md": EXAMPLE.read_text(encoding="utf-8")})
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["stories", "build"], capsys)
    assert code == 1
    assert "stories: error S002: no stories of your own to build" in err
    assert not (tmp_path / "dist").exists()

    write(tmp_path, {"stories/mine.md": story()})
    code, _, _ = run(["stories", "build"], capsys)
    assert code == 0
    with zipfile.ZipFile(tmp_path / "dist" / "my-stories.apkg") as z:
        db = z.read("collection.anki2")
    assert b"leaked-keys.star" in db and b"leaked-keys-cleanup" not in db


def test_build_into_an_unwritable_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, epoch: int
) -> None:
    write(tmp_path, {"stories/s.md": story(), "dist": "a file, not a folder"})
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["stories", "build"], capsys)
    assert code == 1
    assert err.startswith("error: cannot write dist: File exists")
    assert "Traceback" not in err
    assert (tmp_path / "dist").read_text() == "a file, not a folder"
    assert not list(tmp_path.glob(".decks-build-*"))


def test_principle_cards_list_every_serving_story(tmp_path: Path) -> None:
    stories, package = _model([BANK])
    backs = {n.id: n.back for n in package.notes if n.id.startswith("lp.")}
    assert sorted(backs) == [
        "lp.backbone",
        "lp.customer-obsession",
        "lp.deliver-results",
        "lp.dive-deep",
        "lp.earn-trust",
        "lp.invent-and-simplify",
    ]
    assert re.search(
        r"<strong>Cut the vulnerability backlog.*</strong> \(2016\)", backs["lp.deliver-results"]
    )
    assert len(stories) == 3
