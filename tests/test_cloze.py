"""The cloze scanner: numbering, hints, code, braces and every error it reports."""

from __future__ import annotations

import pytest

from builder import cloze


def _anki(text: str) -> str:
    result = cloze.scan(text)
    assert not result.errors, result.errors
    return cloze.restore(result.text, result.clozes)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{c1::a}} {{c2::b}}", "{{c1::a}} {{c2::b}}"),
        ("{{c::a}} {{c::b}} {{c::c}}", "{{c1::a}} {{c2::b}} {{c3::c}}"),
        ("{{c1::a}} {{c::b}} {{c1::c}} {{c::d}}", "{{c1::a}} {{c2::b}} {{c1::c}} {{c3::d}}"),
        ("{{c2,1::a}}", "{{c1,2::a}}"),
        ("{{c::answer::hint}}", "{{c1::answer::hint}}"),
        ("{{c1::a::b::c}}", "{{c1::a::b::c}}"),
        ("`{{c1::std::map}}`", "`{{c1::std::map}}`"),
        ("{{c1::f() {}}}", "{{c1::f() {}}}"),
        ("\\{{c1::x}}", "\\{{c1::x}}"),
        ("no clozes: {{ x }} and }} and ::", "no clozes: {{ x }} and }} and ::"),
    ],
)
def test_round_trip(source: str, expected: str) -> None:
    assert _anki(source) == expected


def test_shorthand_restarts_in_each_note() -> None:
    result = cloze.scan("## A\n\n{{c::x}} {{c::y}}\n\n## B\n\n{{c::z}}\n")
    assert [c.ordinals for c in result.clozes] == [(1,), (2,), (1,)]


def test_hint_marker_only_outside_code() -> None:
    result = cloze.scan("{{c1::`a::b`::hint}}")
    assert result.text.count(cloze.HINT) == 1
    assert "`a::b`" in result.text


def test_fenced_code_keeps_double_colons_in_the_answer() -> None:
    result = cloze.scan("```cpp\n{{c1::std::map<int, int>}} m;\n```\n")
    assert cloze.HINT not in result.text
    assert "std::map<int, int>" + cloze.CLOSE in result.text


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("x\n{{c1::open\n", 2, "cloze is not closed with `}}` before the end of the file"),
        (
            "## A\n{{c1::open\n## B\n",
            2,
            "cloze is not closed with `}}` before the next note starts",
        ),
        ("{{c1::a {{c2::b}} c}}", 1, "nested cloze"),
        ("\n\n{{c1::}}", 3, "empty cloze"),
        ("{{c1::  ::hint}}", 1, "empty cloze"),
        ("{{c0::x}}", 1, "cloze numbers start at 1"),
        ("{{c1:x}}", 1, "looks like a cloze but is not one"),
        ("{{ c1::x}}", 1, "looks like a cloze but is not one"),
        ("## Q {{c1::x}}\n", 1, "clozes belong in the note's body"),
        ("a \U000f0000 b", 1, "reserved by the builder"),
    ],
)
def test_errors_carry_their_line(source: str, line: int, message: str) -> None:
    errors = cloze.scan(source).errors
    assert errors and errors[0][0] == line and message in errors[0][1], errors


def test_strip_markers_keeps_offsets() -> None:
    result = cloze.scan("ab{{c1::cd}}ef")
    plain, markers = cloze.strip_markers(result.text)
    assert plain == "abcdef"
    assert [pos for pos, _ in markers] == [2, 4]


def test_unbalanced_cloze_is_found() -> None:
    result = cloze.scan("{{c1::a}}")
    opener = result.text[0]
    assert cloze.unbalanced_clozes(f"<b>{opener}a</b>{cloze.CLOSE}", result.clozes) == [1]
    assert cloze.unbalanced_clozes(f"{opener}<b>a</b>{cloze.CLOSE}", result.clozes) == []
