"""`decks stories rehearse`: driven by scripted input and a scripted clock, and once for real."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, fresh_env
from test_stories_helpers import META, run, story, write

from builder.stories.model import Part
from builder.stories.parse import read_stories
from builder.stories.principles import PRINCIPLES
from builder.stories.rehearse import Drill, Prompt, RehearseError, Timing, choose, load_prompts
from builder.stories.rehearse import run as drill_run

MINI = FIXTURES / "stories" / "flagship" / "decks"
BANK = FIXTURES / "stories" / "bank"


def _script(*lines: str | None) -> Callable[[], str | None]:
    """Input as typed: each item is one line; None is the end of input."""
    feed: Iterator[str | None] = iter(lines)
    return lambda: next(feed, None)


def _clock(*times: float) -> Callable[[], float]:
    feed = iter(times)
    return lambda: next(feed)


def _drive(
    drill: Drill, lines: tuple[str | None, ...], times: tuple[float, ...]
) -> tuple[list[Timing], list[str]]:
    out: list[str] = []
    timings = drill_run(drill, read=_script(*lines), clock_now=_clock(*times), write=out.append)
    return timings, out


@pytest.fixture
def prompts() -> list[Prompt]:
    return load_prompts(MINI, "mini")


def test_prompts_come_from_the_behavioral_deck(prompts: list[Prompt]) -> None:
    assert [(p.principle, p.question) for p in prompts] == [
        ("Ownership", '"Tell me about a time you owned a problem nobody owned."'),
        ("Dive Deep", '"Tell me about a time you found a root cause others missed."'),
        ("Frugality", '"Tell me about a time you did more with less."'),
    ]
    assert prompts[0].must_show == (
        "- You stepped up without being asked",
        "- The end result you personally drove",
    )
    assert prompts[0].source.endswith("prompts.md:7")


def test_the_flagship_has_prompts_for_every_principle() -> None:
    prompts = load_prompts(REPO / "decks", "phone-screen")
    assert {p.principle for p in prompts} == {p.name for p in PRINCIPLES}
    assert all(p.question.startswith('"') and p.must_show for p in prompts)


def test_each_section_is_timed_against_its_target(prompts: list[Prompt]) -> None:
    stories, _ = read_stories([BANK])
    drill = choose(prompts, stories, principle="Dive Deep", seed=1)
    # Enter to start at 100 s; sections end at 152, 176, 284 and 289 s.
    timings, out = _drive(drill, ("", "", "", "", ""), (100, 152, 176, 284, 289))
    assert [(t.part, t.seconds) for t in timings] == [
        (Part.SITUATION, 52),
        (Part.TASK, 24),
        (Part.ACTION, 108),
        (Part.RESULT, 5),
    ]
    assert out[:2] == [
        "Leadership Principle: Dive Deep",
        '  "Tell me about a time you found a root cause others missed."',
    ]
    assert "  Situation took 0:52: over by 0:07" in out
    start = out.index("Your times:")
    assert out[start : start + 6] == [
        "Your times:",
        "  Situation   0:52 of  0:45  over by 0:07",
        "  Task        0:24 of  0:30  ok",
        "  Action      1:48 of  2:00  ok",
        "  Result      0:05 of  0:45  short",
        "  Total       3:09 of  4:00  ok",
    ]
    assert out[start + 7 : start + 9] == [
        "A strong answer shows (from the deck):",
        "  - The data you dug into yourself",
    ]
    # The candidate's own outline of the story serving the principle follows.
    outline = "\n".join(out[start + 9 :])
    assert "Compare with your outline:" in outline
    assert "Found the root cause of a token leak in the logs (2023-05)" in outline
    assert "  Situation: Session tokens appeared in our log pipeline" in outline
    assert "  Result: I contained it in 6 hours" in outline


def test_a_long_answer_is_over(prompts: list[Prompt]) -> None:
    drill = choose(prompts, [], principle="Ownership", seed=1)
    _, out = _drive(drill, ("",) * 5, (0, 60, 120, 300, 360))
    assert "  Total       6:00 of  4:00  over by 2:00" in out
    assert (
        out[-1] == "You have no story for Ownership yet: write one in stories/ (docs/STORIES.md)."
    )


def test_total_within_about_four_minutes_is_ok(prompts: list[Prompt]) -> None:
    drill = choose(prompts, [], principle="Ownership", seed=1)
    _, out = _drive(drill, ("",) * 5, (0, 45, 75, 205, 265))  # 4:25
    assert "  Total       4:25 of  4:00  ok" in out


def test_q_stops_and_keeps_the_sections_done(prompts: list[Prompt]) -> None:
    drill = choose(prompts, [], principle="Ownership", seed=1)
    timings, out = _drive(drill, ("", "", "q"), (0, 40, 50))
    assert [t.part for t in timings] == [Part.SITUATION]
    assert "Stopped." in out
    assert "  Situation   0:40 of  0:45  ok" in out
    assert "  Total       0:40 of  0:45  ok" in out


def test_end_of_input_stops_cleanly(prompts: list[Prompt]) -> None:
    drill = choose(prompts, [], seed=1)
    timings, out = _drive(drill, (None,), ())
    assert timings == []
    assert out[-1] == "Stopped before the start."


def test_seed_makes_the_pick_reproducible(prompts: list[Prompt]) -> None:
    picks = {seed: choose(prompts, [], seed=seed).ask[0] for seed in range(30)}
    assert picks == {seed: choose(prompts, [], seed=seed).ask[0] for seed in range(30)}
    assert len(set(picks.values())) == 3  # and the seed does pick


def test_principle_narrows_the_pick(prompts: list[Prompt]) -> None:
    for seed in range(10):
        assert choose(prompts, [], principle="Frugality", seed=seed).principle == "Frugality"
    with pytest.raises(RehearseError, match="no prompt for Think Big"):
        choose(prompts, [], principle="Think Big")


def test_pick_one_of_your_stories(tmp_path: Path) -> None:
    stories, _ = read_stories([BANK])
    drill = choose([], stories, from_stories=True, principle="Earn Trust", seed=3)
    assert drill.ask == [
        "Tell me about: Found the root cause of a token leak in the logs",
        "  (it serves Dive Deep, Earn Trust)",
    ]
    assert [s.id for s in drill.outlines] == ["token-leak-root-cause"]
    named = choose([], stories, story_id="backlog-triage")
    assert named.outlines[0].title == "Cut the vulnerability backlog with automated triage"
    with pytest.raises(RehearseError, match="no story with id `nope`; your stories: "):
        choose([], stories, story_id="nope")


def test_examples_are_not_yours_to_rehearse(tmp_path: Path) -> None:
    write(tmp_path, {"stories/example-good.md": story()})
    stories, _ = read_stories([tmp_path / "stories"])
    with pytest.raises(RehearseError, match="you have no stories yet"):
        choose([], stories, from_stories=True)


def test_cli_with_scripted_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setattr("sys.stdin", _Lines("\n\n\n\n\n"))
    argv = ["stories", "rehearse", "--seed", "2", "--principle", "dive deep"]
    argv += ["--decks-dir", str(MINI), "--package", "mini", str(BANK)]
    code, out, err = run(argv, capsys)
    assert (code, err) == (0, "")
    assert out.startswith("Leadership Principle: Dive Deep\n")
    assert "Your times:" in out and "Found the root cause of a token leak" in out


class _Lines:
    """A stand-in stdin: `readline` is all the drill uses."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)

    def readline(self) -> str:
        return self.lines.pop(0) if self.lines else ""


def test_cli_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    code, _, err = run(["stories", "rehearse", "--principle", "bias to act", str(BANK)], capsys)
    assert (code, err) == (
        1,
        "error: unknown principle `bias to act`: did you mean `Bias for Action`?\n",
    )
    code, _, err = run(
        ["stories", "rehearse", "--decks-dir", str(tmp_path / "none"), str(BANK)], capsys
    )
    assert code == 1
    assert err.startswith("error: cannot read the prompts of `phone-screen`:\n")
    assert "no such folder" in err
    write(tmp_path, {"t.md": "# T\n---\nwhen: 2019\n"})
    code, _, err = run(["stories", "rehearse", str(tmp_path / "t.md")], capsys)
    assert code == 1
    assert err.splitlines()[-1] == "1 error(s); fix them first (decks stories check)"


def test_a_draft_with_check_errors_can_be_rehearsed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"s.md": story(META + "id: draft\n", task=None, result="Went well.")})
    monkeypatch.setattr("sys.stdin", _Lines("\n\n\n\n\n"))
    code, out, _ = run(["stories", "rehearse", "--story", "draft", str(tmp_path / "s.md")], capsys)
    assert code == 0
    assert "  Situation: At a payments company" in out
    assert "  Task:" not in out


ARGV = ["stories", "rehearse", "--seed", "5", "--principle", "Ownership", "stories/example-good.md"]


def test_through_a_real_process_with_piped_stdin() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "builder", *ARGV],
        cwd=REPO,
        input="\n\n\n\n\n",
        capture_output=True,
        text=True,
        env=fresh_env(),
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('Leadership Principle: Ownership\n  "')
    assert re.search(r"^  Total +0:0\d of  4:00  short$", done.stdout, re.MULTILINE)
    assert "Drove the cleanup of leaked AWS keys across teams (2021-03)" in done.stdout


def test_docs_show_a_real_session() -> None:
    docs = (REPO / "docs" / "STORIES.md").read_text(encoding="utf-8")
    m = re.search(r"## `decks stories rehearse`.*?```text\n(.*?)```", docs, re.DOTALL)
    assert m
    shown = [line for line in m.group(1).splitlines() if line != "\u2026"]
    prompts = load_prompts(REPO / "decks", "phone-screen")
    question = shown[1].strip()
    seed = next(
        s
        for s in range(200)
        if choose(prompts, [], principle="Ownership", seed=s).ask[1].strip() == question
    )
    drill = choose(prompts, [], principle="Ownership", seed=seed)
    _, out = _drive(drill, ("",) * 5, (0, 52, 76, 184, 215))
    it = iter(out)
    assert all(any(line == got for got in it) for line in shown), "docs differ from a real run"
