"""Tricky clozes, checked against what Anki itself hides on each card."""

from __future__ import annotations

import html
import re

import pytest
from anki.collection import Collection
from conftest import import_apkg, package_yaml, write_files

from builder.build import build

CASES = {
    "brace-run": ("{{c1::f(x) {}}} tail", "f(x) {}", "tail"),
    "colons-in-code": ("{{c1::`std::map`}} sorts keys", "std::map", "sorts keys"),
    "hint": ("{{c1::Spoofing::the S}} first", "Spoofing", "[the S]"),
    "literal-braces-around": ("`}}` and {{c1::xylophone}} and `{{`", "xylophone", "}} and"),
    "fenced": (
        "```python\nok = {{c1::hmac.compare_digest(a, b)}}\n```",
        "hmac.compare_digest(a, b)",
        "ok =",
    ),
}
_ACTIVE = re.compile(r'<span class="cloze" data-cloze="([^"]*)" data-ordinal="1">(.*?)</span>')


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Collection:
    root = tmp_path_factory.mktemp("clozes")
    text = "# Clozes\n\n" + "".join(
        f"## {name} {{#{name}}}\n\n{body}\n\n" for name, (body, _, _) in CASES.items()
    )
    write_files(root, {"decks/c/package.yaml": package_yaml("c"), "decks/c/deck.md": text})
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
    try:
        (apkg,), _ = build(root / "decks", root / "dist")
    finally:
        mp.undo()
    col = Collection(str(root / "c.anki2"))
    import_apkg(col, apkg)
    return col


def _text(card_html: str) -> str:
    """Card text with tags dropped in place (code spans split into tokens stay joined)."""
    return html.unescape(
        re.sub(r"<[^>]+>", "", re.sub(r"<style>.*?</style>", "", card_html, flags=re.DOTALL))
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_anki_hides_exactly_what_the_author_meant(name: str, collection: Collection) -> None:
    _, hidden, visible = CASES[name]
    (nid,) = collection.find_notes(f"Id:{name}")
    (card,) = collection.get_note(nid).cards()
    question, answer = card.question(), card.answer()
    match = _ACTIVE.search(question)
    assert match, question
    assert _text(html.unescape(match.group(1))) == hidden  # what Anki took as the answer
    assert visible in _text(question)
    assert hidden not in _text(question)
    assert hidden in _text(answer)
