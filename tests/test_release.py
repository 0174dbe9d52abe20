"""Releases: manifests, release notes, reproducibility, and N to N+1 in real Anki."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest
from anki.collection import Collection
from conftest import import_apkg, package_yaml, write_files

from builder import release as release_module
from builder.build import build
from builder.diff import DiffInputError, diff, diff_paths, read_release
from builder.release import ReproducibilityError, make_release

V1 = """\
# Release

## Which property does spoofing violate? {#spoof}

Authentication.

## STRIDE, first three {#stride}

{{c1::Spoofing}}, {{c2::Tampering}}, {{c3::Repudiation}}

## Which service finds PII in S3? {#macie}

Macie.

## A note that will be removed {#gone}

Soon deleted.

## A note that will be retired {#old}

Soon retired.
"""

V2 = (
    V1.replace("Authentication.", "**Authentication**: a claimed identity is false.")
    .replace("{{c3::Repudiation}}", "{{c3::Information disclosure}}")
    .replace("## A note that will be removed {#gone}\n\nSoon deleted.\n\n", "")
    .replace("{#old}", "{#old .retired}")
    + "\n## Which service aggregates findings? {#hub}\n\nSecurity Hub.\n"
)


def _project(root: Path, text: str, version: str) -> Path:
    return write_files(
        root,
        {
            "decks/rel/package.yaml": package_yaml("rel", "Release", version),
            "decks/rel/deck.md": text,
        },
    )


def _build(
    root: Path, when: int, monkeypatch: pytest.MonkeyPatch, previous: Path | None = None
) -> Path:
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(when))
    build(Path("decks"), root / "dist", previous=previous)
    return root / "dist"


@pytest.fixture
def releases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    one = _build(_project(tmp_path / "v1", V1, "1.0"), 1_700_000_000, monkeypatch)
    two = _build(_project(tmp_path / "v2", V2, "1.1"), 1_700_000_500, monkeypatch, previous=one)
    return one, two


def test_manifest_describes_every_note(releases: tuple[Path, Path]) -> None:
    manifest = json.loads((releases[0] / "rel.manifest.json").read_text())
    assert manifest["id"] == "rel" and manifest["version"] == "1.0"
    assert manifest["modification_time"] == 1_700_000_000
    assert manifest["totals"] == {
        "notes": 5,
        "cards": 7,
        "basic": 4,
        "cloze": 1,
        "retired": 0,
        "media": 0,
    }
    notes = {n["id"]: n for n in manifest["notes"]}
    assert set(notes) == {"spoof", "stride", "macie", "gone", "old"}
    assert notes["stride"]["type"] == "cloze" and set(notes["stride"]["clozes"]) == {"1", "2", "3"}
    assert notes["spoof"]["deck"] == "Release" and notes["spoof"]["prompt"] == (
        "Which property does spoofing violate?"
    )
    assert all(n["mod"] == 1_700_000_000 for n in notes.values())


def test_unchanged_notes_keep_their_time_changed_ones_get_the_new_one(
    releases: tuple[Path, Path],
) -> None:
    notes = {
        n["id"]: n for n in json.loads((releases[1] / "rel.manifest.json").read_text())["notes"]
    }
    assert notes["macie"]["mod"] == 1_700_000_000
    assert notes["spoof"]["mod"] == notes["stride"]["mod"] == notes["hub"]["mod"] == 1_700_000_500
    assert notes["old"]["retired"] is True


def test_release_notes_list_changes_per_deck_with_warnings(releases: tuple[Path, Path]) -> None:
    text = diff_paths(releases[0] / "rel.manifest.json", releases[1] / "rel.manifest.json")
    assert text.startswith("## Release 1.1\n")
    assert "**1 added, 2 changed, 1 retired, 1 removed**" in text
    assert "- Which service aggregates findings? (`hub`)" in text
    assert "`stride`: cloze 3 now hides different content" in text
    assert "cloze 1 now" not in text and "cloze 2 now" not in text
    assert "`gone` was removed: importing never deletes" in text
    assert "search `tag:retired`" in text


def test_apkg_and_manifest_give_the_same_diff(releases: tuple[Path, Path]) -> None:
    from_manifests = diff(
        read_release(releases[0] / "rel.manifest.json"),
        read_release(releases[1] / "rel.manifest.json"),
    )
    from_packages = diff(
        read_release(releases[0] / "rel.apkg"), read_release(releases[1] / "rel.apkg")
    )
    for kind in ("added", "changed", "retired", "removed"):
        assert sorted(
            n.id for d in from_packages.decks.values() for n in getattr(d, kind)
        ) == sorted(n.id for d in from_manifests.decks.values() for n in getattr(d, kind)), kind
    assert from_packages.warnings == from_manifests.warnings
    assert read_release(releases[1] / "rel.apkg").version == "1.1"


def _field(col: Collection, note_id: str, name: str) -> str:
    (nid,) = col.find_notes(f"Id:{note_id}")
    return str(col.get_note(nid)[name])


def test_release_n_plus_one_updates_in_place_and_keeps_candidate_edits(
    tmp_path: Path, collection: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = _build(_project(tmp_path / "v1", V1, "1.0"), 1_700_000_000, monkeypatch)
    import_apkg(collection, one / "rel.apkg")
    collection.decks.set_current(collection.decks.id_for_name("Release"))
    for _ in range(collection.card_count()):
        collection.sched.answerCard(collection.sched.getCard(), 3)
    reviews = collection.db.scalar("select count() from revlog")
    intervals = dict(collection.db.all("select id, ivl from cards"))

    (nid,) = collection.find_notes("Id:macie")
    note = collection.get_note(nid)
    note["Back"] = "Amazon Macie (my own words)"
    collection.update_note(note)

    # The next release is published after the candidate's edit.
    later = int(time.time()) + 3600
    two = _build(_project(tmp_path / "v2", V2, "1.1"), later, monkeypatch, previous=one)
    log = import_apkg(collection, two / "rel.apkg")

    assert len(log.new) == 1  # type: ignore[attr-defined]
    assert collection.note_count() == 6
    assert "claimed identity is false" in _field(collection, "spoof", "Back")
    assert "Information disclosure" in _field(collection, "stride", "Text")
    assert _field(collection, "macie", "Back") == "Amazon Macie (my own words)"
    assert collection.db.scalar("select count() from revlog") == reviews
    kept = dict(collection.db.all("select id, ivl from cards"))
    assert {k: kept[k] for k in intervals} == intervals
    assert collection.find_notes("tag:retired") == collection.find_notes("Id:old")
    root = collection.decks.by_name("Release")
    assert root is not None and "Version 1.1" in root["desc"]


def test_without_the_previous_manifest_a_later_release_overwrites_edits(
    tmp_path: Path, collection: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Why `--previous` matters: every note would look newer than the candidate's edit.
    one = _build(_project(tmp_path / "v1", V1, "1.0"), 1_700_000_000, monkeypatch)
    import_apkg(collection, one / "rel.apkg")
    (nid,) = collection.find_notes("Id:macie")
    note = collection.get_note(nid)
    note["Back"] = "mine"
    collection.update_note(note)
    two = _build(_project(tmp_path / "v2", V2, "1.1"), int(time.time()) + 3600, monkeypatch)
    import_apkg(collection, two / "rel.apkg")
    assert _field(collection, "macie", "Back") == "<p>Macie.</p>"


def test_make_release_writes_checksums_and_notes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = _build(_project(tmp_path / "v1", V1, "1.0"), 1_700_000_000, monkeypatch)
    root = _project(tmp_path / "v2", V2, "1.1")
    monkeypatch.chdir(root)
    result = make_release(Path("decks"), Path("dist"), previous=one)
    assert [p.name for p in result.files] == ["rel.apkg", "rel.manifest.json"]
    for line in result.sums.read_text().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((root / "dist" / name).read_bytes()).hexdigest() == digest
    assert "**1 added, 2 changed, 1 retired, 1 removed**" in result.notes.read_text()


def test_make_release_fails_when_builds_differ(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path / "p", V1, "1.0")
    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    real = release_module._rebuild_elsewhere

    def tampered(decks_dir: Path, previous: Path | None, scratch: Path) -> Path:
        out = real(decks_dir, previous, scratch)
        (out / "rel.apkg").write_bytes(b"different")
        return out

    monkeypatch.setattr(release_module, "_rebuild_elsewhere", tampered)
    with pytest.raises(ReproducibilityError, match="differs between two builds"):
        make_release(Path("decks"), Path("dist"))


def test_a_change_from_outside_the_package_still_looks_newer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Same package time (say, only the builder changed), but the note renders differently.
    one = _build(_project(tmp_path / "v1", V1, "1.0"), 1_700_000_000, monkeypatch)
    two = _build(_project(tmp_path / "v2", V2, "1.1"), 1_700_000_000, monkeypatch, previous=one)
    notes = {n["id"]: n for n in json.loads((two / "rel.manifest.json").read_text())["notes"]}
    assert notes["spoof"]["mod"] == 1_700_000_001
    assert notes["macie"]["mod"] == 1_700_000_000


def test_folder_diff_reports_removed_packages_and_refuses_empty_input(
    releases: tuple[Path, Path], tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    text = diff_paths(releases[0], releases[1])
    assert "## Release 1.1" in text
    with pytest.raises(DiffInputError, match=r"no \*\.manifest\.json files"):
        diff_paths(releases[0], empty)
    gone = diff_paths(releases[0], _only_other_package(tmp_path))
    assert "Package removed: its 5 notes stay in candidates' collections" in gone


def _only_other_package(tmp_path: Path) -> Path:
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.manifest.json").write_text(
        json.dumps({"title": "X", "version": "1", "totals": {"cards": 0}, "notes": [], "id": "x"})
    )
    return other
