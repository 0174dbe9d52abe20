"""The command line as a whole: shared options, --version, the pre-commit hooks."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml
from conftest import REPO, fresh_env, package_yaml, write_files

from builder.cli import cli, main


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix}{name} ")
        else:
            found.append((f"{prefix}{name}", command))
    return found


def test_every_command_takes_quiet_and_verbose() -> None:
    commands = _commands(cli)
    names = [name for name, _ in commands]
    for expected in (
        "build",
        "check",
        "ids",
        "preview",
        "stats",
        "new package",
        "new deck",
        "diff",
        "release",
        "stories check",
        "stories build",
        "stories rehearse",
    ):
        assert expected in names
    for name, command in commands:
        flags = {flag for param in command.params for flag in getattr(param, "opts", [])}
        assert {"-q", "--quiet", "-v", "--verbose"} <= flags, name


def test_quiet_and_verbose_together_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["stats", "-q", "-v", "--decks-dir", str(REPO / "decks")])
    assert exit_info.value.code == 2
    assert "--quiet and --verbose cannot be used together" in capsys.readouterr().err


def test_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "builder", "--version"],
        capture_output=True,
        text=True,
        env=fresh_env(),
        check=True,
    )
    assert done.stdout.startswith("decks, version ")


def test_pre_commit_hooks_run_and_pass_on_the_shipped_decks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["decks-check", "decks-ids"]
    monkeypatch.chdir(REPO)
    for hook in hooks:
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        program, *args = shlex.split(hook["entry"])
        assert program == "decks"
        done = subprocess.run(
            [sys.executable, "-m", "builder", *args],
            capture_output=True,
            text=True,
            env=fresh_env(),
            check=False,
        )
        assert done.returncode == 0, (hook["id"], done.stdout, done.stderr)


def test_a_broken_package_does_not_hide_another_packages_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(
        tmp_path,
        {
            "decks/a/package.yaml": package_yaml("a"),
            "decks/a/d.md": "# D\n\n## Broken {#b}\n\n{{c1::open\n",
            "decks/b/package.yaml": package_yaml("b"),
            "decks/b/d.md": "# D\n\n## Does this work?\n\nYes.\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["check"])
    out, err = capsys.readouterr()
    assert exit_info.value.code == 1
    assert out.splitlines() == [
        "decks/a/d.md:5:1: E201 cloze is not closed with `}}` before the end of the file",
        "decks/b/d.md:3:4: D105 yes/no prompt: a coin toss answers it; ask for the thing itself "
        "(what, which, why, how)",
        "decks/b/d.md:3:19: D101 note has no pinned id: add `{#does-this-work}` to the heading "
        "(`decks ids --write` pins every note)",
    ]
    assert err == "1 error(s), 2 warning(s)\n"
