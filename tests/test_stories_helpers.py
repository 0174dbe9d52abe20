"""Shared by the story tests (no tests here): a clean story to break one rule at a time."""

from __future__ import annotations

from pathlib import Path

from conftest import run_decks

SITUATION = (
    "At a payments company of 200 engineers, a scanner found 37 leaked AWS keys in our "
    "repositories, and four of them were still active."
)
TASK = "I had to revoke every live key within a week without an outage."
ACTION = (
    "I traced each key through CloudTrail to its owner. I rotated the keys with each team, "
    "and I added a CI check that blocks new secrets."
)
RESULT = "All 4 live keys were revoked in 3 days, and the check blocked 23 leaks in a year."
LEARNING = "An alert without an owner is noise; I now assign an owner before enabling one."

META = "title: Leaked keys\nprinciples: [Ownership, Deliver Results]\nwhen: 2019-04\n"


def story(
    meta: str = META,
    *,
    situation: str | None = SITUATION,
    task: str | None = TASK,
    action: str | None = ACTION,
    result: str | None = RESULT,
    learning: str | None = LEARNING,
    extra: str = "",
) -> str:
    """A one-story file with front matter; None leaves a section out."""
    parts = [f"---\n{meta}---\n"]
    for name, body in (
        ("Situation", situation),
        ("Task", task),
        ("Action", action),
        ("Result", result),
        ("Learning", learning),
    ):
        if body is not None:
            parts.append(f"## {name}\n\n{body}\n")
    return "\n".join(parts) + extra


def words(n: int, word: str = "word") -> str:
    """`n` words of filler, wrapped like prose."""
    chunks = [" ".join([word] * 10) for _ in range(n // 10)]
    if n % 10:
        chunks.append(" ".join([word] * (n % 10)))
    return ".\n".join(chunks) + "."


run = run_decks


def write(root: Path, files: dict[str, str]) -> Path:
    """Write story files under `root`."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
