"""The progress bar: on a terminal's stderr only, never with --quiet, erased when done."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, fresh_env

from builder.progress import Bar

CLEAR = "\r\x1b[2K"


def _build_on_a_terminal(out: Path, *extra: str) -> tuple[int, str, str]:
    """Run `decks build` with stderr on a pseudo-terminal; return code, stdout, terminal text."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "builder", "build", "--out", str(out), "example", *extra],
        cwd=REPO,
        env=fresh_env(SOURCE_DATE_EPOCH="1700000000"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal closed: the process is done with it
                break
            if not chunk:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    os.close(master)
    stdout = process.stdout.read().decode() if process.stdout else ""
    return process.wait(timeout=30), stdout, seen.decode()


def test_build_draws_a_bar_on_a_terminal_and_erases_it(tmp_path: Path) -> None:
    code, stdout, terminal = _build_on_a_terminal(tmp_path / "dist")
    assert code == 0
    assert stdout == f"wrote {tmp_path / 'dist' / 'example.apkg'}\n"
    assert f"{CLEAR}reading example [" in terminal and "] 2/2" in terminal
    assert f"{CLEAR}writing [" in terminal and "] 1/1" in terminal
    assert terminal.endswith(CLEAR), "the bar must be erased, leaving a clean line"


def test_quiet_build_draws_no_bar(tmp_path: Path) -> None:
    code, stdout, terminal = _build_on_a_terminal(tmp_path / "dist", "--quiet")
    assert (code, stdout, terminal) == (0, "", "")


def test_no_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "builder", "build", "--out", str(tmp_path / "dist"), "example"],
        cwd=REPO,
        env=fresh_env(SOURCE_DATE_EPOCH="1700000000"),
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stderr == ""


def test_bar_redraws_at_most_ten_times_a_second_but_always_shows_the_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = iter([0.0, 0.01, 0.02, 0.5, 0.51])
    monkeypatch.setattr("builder.progress.time.monotonic", lambda: next(clock))
    stream = io.StringIO()
    bar = Bar(stream)
    for done in (0, 1, 2, 3, 4):
        bar("reading p", done, 4)
    frames = stream.getvalue().split(CLEAR)[1:]
    assert [f.rsplit(" ", 1)[1] for f in frames] == ["0/4", "3/4", "4/4"]
    assert frames[-1] == "reading p [########################] 4/4"
    bar.close()
    assert stream.getvalue().endswith(CLEAR)
