"""Same sources, same bytes: in any clone, directory and process; nothing left behind."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, fresh_env, package_yaml, write_files

from builder.build import modification_time
from builder.errors import Diagnostics


def _build_in(project: Path, tmpdir: Path, **env: str) -> dict[str, bytes]:
    tmpdir.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "builder", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        env=fresh_env(TMPDIR=str(tmpdir), **env),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert list(tmpdir.iterdir()) == [], "the build left temporary files behind"
    assert not list(project.glob(".decks-build-*"))
    return {p.name: p.read_bytes() for p in sorted((project / "dist").iterdir())}


def test_two_builds_in_separate_directories_are_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "one" / "clone", tmp_path / "two" / "elsewhere"
    for project in (first, second):
        shutil.copytree(REPO / "decks", project / "decks")
    a = _build_in(first, tmp_path / "tmp1", SOURCE_DATE_EPOCH="1700000000")
    b = _build_in(second, tmp_path / "tmp2", SOURCE_DATE_EPOCH="1700000000")
    assert a.keys() == {
        "example.apkg",
        "phone-screen.apkg",
        "example.manifest.json",
        "phone-screen.manifest.json",
    }
    assert a == b


def test_zip_entries_are_fixed_ordered_and_compressed(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(REPO / "decks" / "example", project / "decks" / "example")
    _build_in(project, tmp_path / "tmp", SOURCE_DATE_EPOCH="1700000000")
    with zipfile.ZipFile(project / "dist" / "example.apkg") as apkg:
        infos = apkg.infolist()
        assert [i.filename for i in infos][:2] == ["collection.anki2", "media"]
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos)
        db = tmp_path / "col.anki2"
        db.write_bytes(apkg.read("collection.anki2"))
    with sqlite3.connect(db) as conn:
        assert {r[0] for r in conn.execute("select mod from notes")} == {1700000000}


def _git(cwd: Path, *args: str, when: str = "1700000000 +0000") -> None:
    env = fresh_env(
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.org",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.org",
        GIT_AUTHOR_DATE=when,
        GIT_COMMITTER_DATE=when,
    )
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write_files(
        tmp_path / "origin",
        {
            "decks/a/package.yaml": package_yaml("a"),
            "decks/a/deck.md": "# A\n\n## Q {#q}\n\nA.\n",
            "decks/b/package.yaml": package_yaml("b"),
            "decks/b/deck.md": "# B\n\n## Q {#q}\n\nB.\n",
        },
    )
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "first", when="1700000000 +0000")
    return root


def _time(folder: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    diags = Diagnostics()
    value = modification_time(folder, diags)
    assert not diags.items
    return value


def test_time_comes_from_the_last_commit_of_the_package(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _time(repo / "decks" / "a", monkeypatch) == 1700000000
    (repo / "decks" / "a" / "deck.md").write_text("# A\n\n## Q {#q}\n\nA, edited.\n")
    _git(repo, "commit", "-qam", "edit a", when="1700000500 +0000")
    assert _time(repo / "decks" / "a", monkeypatch) == 1700000500
    assert _time(repo / "decks" / "b", monkeypatch) == 1700000000, "b did not change"


def test_uncommitted_edits_get_a_newer_time(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "decks" / "a" / "deck.md").write_text("# A\n\n## Q {#q}\n\nA, draft.\n")
    assert _time(repo / "decks" / "a", monkeypatch) > 1700000000


def test_source_date_epoch_wins(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "42")
    assert modification_time(repo / "decks" / "a", Diagnostics()) == 42
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    diags = Diagnostics()
    modification_time(repo / "decks" / "a", diags)
    assert [str(d) for d in diags.items] == [
        "SOURCE_DATE_EPOCH: must be whole seconds since 1970, not `yesterday`"
    ]


def test_clones_build_identical_packages_from_git_time(repo: Path, tmp_path: Path) -> None:
    builds = []
    for n in (1, 2):
        clone = tmp_path / f"clone{n}"
        subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
        builds.append(_build_in(clone, tmp_path / f"tmp{n}"))
    assert builds[0] == builds[1]


def test_parallel_parsing_builds_the_same_bytes(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(REPO / "decks", project / "decks")
    env = fresh_env(SOURCE_DATE_EPOCH="1700000000")
    results = []
    for jobs in ("1", "3"):
        subprocess.run(
            [sys.executable, "-m", "builder", "build", "--jobs", jobs],
            cwd=project,
            env=env,
            check=True,
            capture_output=True,
        )
        results.append((project / "dist" / "phone-screen.apkg").read_bytes())
    assert results[0] == results[1]


def test_parallel_parsing_reports_the_same_errors(tmp_path: Path) -> None:
    from conftest import FIXTURES

    project = shutil.copytree(FIXTURES / "bad" / "many-errors", tmp_path / "p")
    outputs = []
    for jobs in ("1", "3"):
        done = subprocess.run(
            [sys.executable, "-m", "builder", "check", "--jobs", jobs],
            cwd=project,
            env=fresh_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 1
        outputs.append(done.stdout + done.stderr)
    assert outputs[0] == outputs[1]
    assert "decks/pkg/b.md:3:1: E104 duplicate note id `q`" in outputs[0]
