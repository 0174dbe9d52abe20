"""Arbitrary deck files: the build succeeds or reports `file:line` errors, never crashes."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import yaml
from anki.collection import Collection
from conftest import import_apkg, package_yaml, write_files
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from builder.build import build
from builder.errors import SourceErrors
from builder.model import NoteKind

PIECES = [
    "## Heading",
    "## Heading {#id}",
    "## {#only-id}",
    "# Title",
    "### Sub",
    "{{c1::",
    "{{c::",
    "{{c2,3::",
    "}}",
    "}}}",
    "::",
    "`",
    "``",
    "```python",
    "```",
    "~~~",
    "$",
    "$$",
    "\\$",
    "---",
    "===",
    "tags: a, b::c",
    "tags: bad tag",
    "{#id}",
    "<b>",
    "</b>",
    "<script>x</script>",
    "![x](y.png)",
    "[link](javascript:alert(1))",
    "\\{{",
    "- item",
    "1. item",
    "> quote",
    "| a | b |",
    "|---|---|",
    "\t",
    "",
    " ",
    "\ufeff",
    "\u0000",
    "\r",
    "\U000f0001",
    "\ue001",
]
TEXT = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co"))
LINE = st.one_of(st.sampled_from(PIECES), st.text(TEXT, max_size=30))
LINES = st.lists(st.lists(LINE, min_size=1, max_size=4).map(" ".join), max_size=25).map("\n".join)
WORDS = st.text(TEXT, min_size=1, max_size=20)
NOTE = st.tuples(
    WORDS, st.integers(0, 10**6), WORDS, st.lists(st.one_of(WORDS, WORDS, LINE), max_size=8)
).map(lambda t: f"## {t[0]} {{#n{t[1]}}}\n\n{t[2]}\n" + "\n".join(t[3]))
# Half free-form text, half note-shaped text that has a real chance of building.
BODY = st.one_of(
    LINES,
    st.lists(NOTE, min_size=1, max_size=5).map(lambda notes: "# Fuzz\n\n" + "\n\n".join(notes)),
)
SCALAR = st.one_of(st.text(max_size=20), st.integers(), st.none(), st.booleans())
FRONT = st.one_of(
    st.none(),
    st.just("deck: Fuzz::Sub\ntags: [fuzz]"),
    st.dictionaries(
        st.one_of(st.sampled_from(["deck", "tags"]), st.text(max_size=8)),
        st.one_of(SCALAR, st.lists(SCALAR, max_size=3)),
        max_size=3,
    ).map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
    st.text(max_size=40),
)
LOCATION = re.compile(r"^(decks/p/(deck\.md|package\.yaml)):([1-9][0-9]*): \S")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front=FRONT, body=BODY)
def test_arbitrary_sources_build_or_report_located_errors(front: str | None, body: str) -> None:
    text = body if front is None else f"---\n{front}\n---\n{body}"
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        write_files(root, {"decks/p/package.yaml": package_yaml(), "decks/p/deck.md": text})
        old = os.getcwd()
        os.chdir(root)
        try:
            os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
            failure: SourceErrors | None = None
            try:
                written, _ = build(Path("decks"), root / "dist")
            except SourceErrors as e:
                failure = e
        finally:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
            os.chdir(old)
        if failure is not None:
            assert failure.diagnostics
            for d in failure.diagnostics:
                assert LOCATION.match(str(d)), str(d)
            assert not (root / "dist").exists()
            event("reported errors")
            return
        event("built")
        _judge(root, written[0])


def _judge(root: Path, apkg: Path) -> None:
    """Whatever builds must import into Anki with exactly the cards we planned."""
    col = Collection(str(root / "c.anki2"))
    try:
        import_apkg(col, apkg)
        assert not col.get_empty_cards().notes
        for nid in col.find_notes(""):
            note = col.get_note(nid)
            cards = sorted(c.ord + 1 for c in note.cards())
            if note.note_type()["type"] == 1:
                assert cards == sorted(note.cloze_numbers_in_fields())
            else:
                assert cards == [1]
                assert note.note_type()["name"] == "Markdown Basic"
            assert all(c.question().strip() and c.answer().strip() for c in note.cards())
    finally:
        col.close()


def test_kind_enum_is_what_judge_expects() -> None:
    assert {k.value for k in NoteKind} == {"basic", "cloze"}
