"""The flagship deck's quality bar and its coverage map of the phone-screen guide."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml
from conftest import REPO

from builder.build import load
from builder.model import Note, NoteKind, Package

PRINCIPLES = [
    "customer-obsession",
    "ownership",
    "invent-and-simplify",
    "are-right-a-lot",
    "learn-and-be-curious",
    "hire-and-develop",
    "highest-standards",
    "think-big",
    "bias-for-action",
    "frugality",
    "earn-trust",
    "dive-deep",
    "backbone",
    "deliver-results",
    "best-employer",
    "broad-responsibility",
]
YES_NO = re.compile(
    r"^(is|are|does|do|did|can|could|should|would|will|was|were|has|have)\b", re.IGNORECASE
)


@pytest.fixture(scope="module")
def flagship() -> Package:
    (package,), _ = load(REPO / "decks", ("phone-screen",))
    return package


def _heading(note: Note) -> str:
    return note.source.split("\n", 1)[0].removeprefix("## ")


def test_at_least_250_notes_each_with_a_pinned_id(flagship: Package) -> None:
    assert len(flagship.notes) >= 250
    assert [n.id for n in flagship.notes if not n.explicit_id] == []


def test_no_yes_no_prompts(flagship: Package) -> None:
    assert [_heading(n) for n in flagship.notes if YES_NO.match(_heading(n))] == []


def test_every_principle_has_a_meaning_card_and_three_prompts(flagship: Package) -> None:
    prompts = Counter(
        t
        for n in flagship.notes
        if n.deck[-1] == "Behavioral Prompts"
        for t in n.tags
        if t.startswith("lp::")
    )
    meanings = Counter(
        t
        for n in flagship.notes
        if n.deck[-1] == "Principles"
        for t in n.tags
        if t.startswith("lp::")
    )
    for principle in PRINCIPLES:
        assert prompts[f"lp::{principle}"] >= 3, principle
        assert meanings[f"lp::{principle}"] >= 1, principle


def test_code_review_has_at_least_eight_snippets_with_highlighted_code(flagship: Package) -> None:
    snippets = [n for n in flagship.notes if "snippet" in n.tags]
    assert len(snippets) >= 8
    for note in snippets:
        assert note.kind is NoteKind.BASIC
        assert '<pre class="hl">' in note.front_extra, note.id  # the code is on the front
        assert note.back.strip(), note.id


def test_response_frameworks_are_clozes_one_per_step(flagship: Package) -> None:
    frameworks = {n.id: n for n in flagship.notes if "response-framework" in n.tags}
    for note_id in (
        "vr-sqli-response-framework",
        "tm-auth-service-framework",
        "auto-iam-audit-framework",
        "cr-q4-what-they-test",
    ):
        note = next(n for n in flagship.notes if n.id == note_id)
        assert note.kind is NoteKind.CLOZE and len(note.cloze_numbers) == 5, note_id
    assert len(frameworks) >= 3


def test_volatile_breach_figures_carry_their_year(flagship: Package) -> None:
    for note in flagship.notes:
        if re.search(r"\$\s?4\.(45|88|44)M", note.source):
            assert re.search(r"20(23|24|25)", note.source), note.id


def test_coverage_map_covers_every_section_with_existing_notes(flagship: Package) -> None:
    coverage = yaml.safe_load((REPO / "docs" / "coverage.yaml").read_text())
    assert coverage["package"] == "phone-screen"
    ids = {n.id for n in flagship.notes}
    keys = [s["key"] for s in coverage["sections"]]
    assert len(keys) == len(set(keys)) >= 20
    for section in coverage["sections"]:
        assert section["notes"], f"section {section['key']} has no note"
        missing = [i for i in section["notes"] if i not in ids]
        assert not missing, f"section {section['key']} names unknown notes {missing}"
