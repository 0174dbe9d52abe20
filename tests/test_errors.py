"""Bad input: every problem reported with file and line, together, and dist/ untouched.

`decks build` prints `file:line: message` (expected.txt); `decks check` prints
`file:line:col: CODE message` (expected-check.txt).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_project, fresh_env

from builder.cli import main
from builder.rules import BY_CODE

BAD = sorted(p.name for p in (FIXTURES / "bad").iterdir() if p.is_dir())
SENTINEL = b"an earlier release that a failed build must not touch"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def _project(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = copy_project(FIXTURES / "bad" / name, tmp_path / "project")
    (project / "expected.txt").unlink()
    (project / "expected-check.txt").unlink()
    (project / "dist").mkdir()
    (project / "dist" / "pkg.apkg").write_bytes(SENTINEL)
    monkeypatch.chdir(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return project


@pytest.mark.parametrize("name", BAD)
def test_bad_input_is_reported_with_file_and_line(
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = _project(name, tmp_path, monkeypatch)
    before = _snapshot(project)
    code, _, err = _run(["build"], capsys)
    expected = (FIXTURES / "bad" / name / "expected.txt").read_text().splitlines()
    lines = err.splitlines()
    assert code == 1
    assert lines[:-1] == expected
    assert lines[-1] == f"{len(expected)} error(s); nothing was written"
    assert "Traceback" not in err
    assert _snapshot(project) == before, "a failed run changed the project or dist/"


@pytest.mark.parametrize("name", BAD)
def test_check_reports_bad_input_with_file_line_column_and_code(
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = _project(name, tmp_path, monkeypatch)
    before = _snapshot(project)
    code, out, err = _run(["check"], capsys)
    expected = (FIXTURES / "bad" / name / "expected-check.txt").read_text().splitlines()
    assert code == 1
    assert out.splitlines() == expected
    assert err.splitlines() == [f"{len(expected)} error(s), 0 warning(s)"]
    assert "Traceback" not in out + err
    assert _snapshot(project) == before, "a failed check changed the project or dist/"


_CHECK_LINE_RE = re.compile(r"(decks/[^:]+):([1-9]\d*):([1-9]\d*): ([ED]\d{3}) (.+)")


def test_every_expected_error_names_file_and_line() -> None:
    for name in BAD:
        for line in (FIXTURES / "bad" / name / "expected.txt").read_text().splitlines():
            location = line.split(": ", 1)[0]
            path, _, number = location.rpartition(":")
            assert path.startswith("decks/") and number.isdigit() and int(number) > 0, line


def test_check_and_build_report_the_same_problems() -> None:
    for name in BAD:
        folder = FIXTURES / "bad" / name
        built = []
        for line in (folder / "expected.txt").read_text().splitlines():
            location, message = line.split(": ", 1)
            path, _, number = location.rpartition(":")
            built.append((path, int(number), message))
        checked = []
        for line in (folder / "expected-check.txt").read_text().splitlines():
            m = _CHECK_LINE_RE.fullmatch(line)
            assert m, line
            assert BY_CODE[m.group(4)].code.startswith("E"), line
            checked.append((m.group(1), int(m.group(2)), m.group(5)))
        assert sorted(checked) == sorted(built), name


def test_real_entry_point_reports_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project("many-errors", tmp_path, monkeypatch)
    before = _snapshot(project)
    done = subprocess.run(
        [sys.executable, "-m", "builder", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        env=fresh_env(),
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == "5 error(s); nothing was written"
    assert done.stdout == ""
    assert _snapshot(project) == before


def test_missing_decks_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(["build"], capsys)
    assert code == 1
    assert err.startswith("decks: no such folder")
    assert not (tmp_path / "dist").exists()


def test_unknown_package_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _project("empty-file", tmp_path, monkeypatch)
    code, _, err = _run(["build", "nope"], capsys)
    assert code == 1
    assert "decks/nope: no package named `nope`; packages: pkg" in err
