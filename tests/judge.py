"""The real Anki backend as judge: import a built package and check what a candidate sees."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from pathlib import Path

from anki.collection import Collection
from conftest import import_apkg

from builder.model import NoteKind, Package

_STYLE_RE = re.compile(r"<style>.*?</style>", re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")
_WORD_RE = re.compile(r"[A-Za-z0-9]+")
_HEADING_ID_RE = re.compile(r"\{#[^{}]*\}\s*$")
_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK_URL_RE = re.compile(r"\]\([^)]*\)")
_LIST_MARKER_RE = re.compile(r"^\s*(?:\d+[.)]|[-*+])\s", re.MULTILINE)
_HINT_RE = re.compile(r"(\{\{c[\d,]*::(?:[^`{}]|`[^`]*`)*?)::[^{}`]*?\}\}")


def visible_text(card_html: str) -> str:
    """What a person reads on a rendered card: no CSS, no markup, entities decoded."""
    return html.unescape(_TAG_RE.sub(" ", _STYLE_RE.sub("", card_html)))


def words(text: str) -> set[str]:
    """The words of a text, for checking that source text reaches the card."""
    return set(_WORD_RE.findall(text))


def source_chunks(path: Path) -> dict[int, tuple[str, str]]:
    """Raw source of every note in a file: heading line number -> (heading, body)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    chunks: dict[int, tuple[str, list[str]]] = {}
    fence: str | None = None
    current: int | None = None
    for number, line in enumerate(lines, start=1):
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            fence = None if fence == marker else (fence or marker)
        if fence is None and line.startswith("## "):
            current = number
            chunks[current] = (line[3:], [])
            continue
        if current is not None:
            chunks[current][1].append(line)
    return {k: (h, "\n".join(b)) for k, (h, b) in chunks.items()}


def source_words(markdown: str) -> set[str]:
    """Words an author wrote that must show on the card (not URLs, tags or markup)."""
    text = _HINT_RE.sub(r"\1}}", markdown)
    text = _HEADING_ID_RE.sub("", text)
    text = "\n".join(
        line
        for line in text.split("\n")
        if not line.startswith("tags:") and not line.lstrip().startswith(("```", "~~~"))
    )
    text = _LIST_MARKER_RE.sub(" ", text)
    text = _IMAGE_RE.sub(" ", text)
    text = _LINK_URL_RE.sub("] ", text)
    text = _TAG_RE.sub(" ", text)
    text = re.sub(r"\{\{c[\d,]*::", " ", text)
    return words(text)


def expected_decks(package: Package) -> set[str]:
    """Every deck name the package should create, parents included."""
    names = set()
    root = (package.meta.title,)
    for path in [()] + [d.path for d in package.decks] + [n.deck for n in package.notes]:
        full = root + path
        for depth in range(1, len(full) + 1):
            names.add("::".join(full[:depth]))
    return names


def check_import(col: Collection, apkg: Path, package: Package) -> None:
    """Import `apkg` into an empty collection and check it against the source model."""
    log = import_apkg(col, apkg)
    assert len(log.new) == len(package.notes)  # type: ignore[attr-defined]
    assert col.note_count() == len(package.notes)
    expected_cards = sum(
        len(n.cloze_numbers) if n.kind is NoteKind.CLOZE else 1 for n in package.notes
    )
    assert col.card_count() == expected_cards

    assert not col.get_empty_cards().notes, "Anki reports empty cards"
    media = col.media.check()
    assert not media.missing, media.missing
    for name in package.media:
        assert (Path(col.media.dir()) / name).is_file(), name

    names = {d.name for d in col.decks.all_names_and_ids()} - {"Default"}
    assert names == expected_decks(package)

    by_id = {n.id: n for n in package.notes}
    sources: dict[str, dict[int, tuple[str, str]]] = defaultdict(dict)
    for nid in col.find_notes(""):
        anki_note = col.get_note(nid)
        source = by_id[anki_note["Id"]]
        assert sorted(anki_note.tags) == sorted(source.tags)
        deck_name = "::".join((package.meta.title, *source.deck))
        cards = anki_note.cards()
        assert {col.decks.name(c.did) for c in cards} == {deck_name}

        path = source.location.path
        if path not in sources:
            sources[path] = source_chunks(Path(path))
        heading, body = sources[path][source.location.line]
        before, sep, after = body.partition("\n---\n")
        heading_words = source_words(heading)
        if source.kind is NoteKind.CLOZE:
            assert anki_note.note_type()["type"] == 1
            numbers = sorted(anki_note.cloze_numbers_in_fields())
            assert numbers == list(source.cloze_numbers)
            assert sorted(c.ord + 1 for c in cards) == numbers
            for card in cards:
                question, answer = card.question(), card.answer()
                assert 'class="cloze"' in question, "a cloze card must hide something"
                assert heading_words <= words(visible_text(question))
                missing = source_words(body) - words(visible_text(answer))
                assert not missing, f"{source.location}: {sorted(missing)[:10]}"
        else:
            assert anki_note.note_type()["type"] == 0
            assert len(cards) == 1
            question, answer = cards[0].question(), cards[0].answer()
            front_words = heading_words | (source_words(before) if sep else set())
            missing = front_words - words(visible_text(question))
            assert not missing, f"{source.location}: {sorted(missing)[:10]}"
            back_words = source_words(after if sep else body)
            assert back_words, f"{source.location}: empty answer"
            missing = back_words - words(visible_text(answer))
            assert not missing, f"{source.location}: {sorted(missing)[:10]}"
