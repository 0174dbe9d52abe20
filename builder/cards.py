"""A note's cards rendered the way Anki renders them: its templates, its cloze filter.

The fields come from `package.note_fields` (exactly what the package holds)
and the templates from `notetypes`, so the preview and the linter see the
very HTML a candidate's Anki shows. `tests/test_preview.py` compares every
card of the shipped packages with what the real Anki backend renders.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from builder import notetypes
from builder.model import Note, NoteKind
from builder.package import note_fields

# `{{#F}}`, `{{^F}}`, `{{/F}}` and `{{filter:F}}` / `{{F}}`, as Anki's template language has them.
_TAG_RE = re.compile(r"\{\{([#^/]?)\s*([^{}]*?)\s*\}\}")
# Anki's `field_is_empty`: only whitespace and empty `<br>` / `<div>` tags.
_EMPTY_FIELD_RE = re.compile(r"^(?:\s|</?(?:br|div) ?/?>)*$", re.IGNORECASE)
_MATHJAX_RE = re.compile(r"(\\[(\[])(.*?)(\\[\])])", re.DOTALL)
_HTML_TAG_RE = re.compile(r"<[^>]*>")
_CLOZE_OPEN_RE = re.compile(r"\{\{[cC](\d+(?:,\d+)*)::")
_MATHJAX_TOGGLE_RE = re.compile(r"\\[()\[\]]")


@dataclass(frozen=True, slots=True)
class Card:
    """One card of a note: which one, and its two sides as Anki renders them."""

    ordinal: int
    """1-based card number: the cloze number, or 1 for a basic note."""
    question: str
    answer: str


def cards_of(note: Note) -> list[Card]:
    """Every card the note makes, in card order."""
    note_type = notetypes.CLOZE if note.kind is NoteKind.CLOZE else notetypes.BASIC
    fields = dict(zip(note_type.fields, note_fields(note), strict=True))
    ordinals = note.cloze_numbers if note.kind is NoteKind.CLOZE else (1,)
    cards = []
    for ordinal in ordinals:
        question = render_template(note_type.front, fields, ordinal, question=True)
        answer = render_template(
            note_type.back, {**fields, "FrontSide": question}, ordinal, question=False
        )
        cards.append(Card(ordinal, question, answer))
    return cards


def field_is_empty(text: str) -> bool:
    """Anki's test for `{{#Field}}` sections: nothing but whitespace and empty tags."""
    return _EMPTY_FIELD_RE.match(text) is not None


def render_template(template: str, fields: dict[str, str], ordinal: int, *, question: bool) -> str:
    """Render one side of a card: field replacements, sections and the `cloze:` filter."""
    out: list[str] = []
    skipping: list[bool] = []  # one entry per open section: whether its content is dropped
    pos = 0
    for m in _TAG_RE.finditer(template):
        if not any(skipping):
            out.append(template[pos : m.start()])
        pos = m.end()
        kind, name = m.group(1), m.group(2)
        if kind in ("#", "^"):
            empty = field_is_empty(fields.get(name, ""))
            skipping.append(empty if kind == "#" else not empty)
        elif kind == "/":
            if skipping:
                skipping.pop()
        elif not any(skipping):
            out.append(_replacement(name, fields, ordinal, question))
    if not any(skipping):
        out.append(template[pos:])
    return "".join(out)


def _replacement(name: str, fields: dict[str, str], ordinal: int, question: bool) -> str:
    *filters, field = name.split(":")
    text = fields.get(field, "")
    for filt in reversed(filters):
        if filt == "cloze":
            text = _strip_html_inside_mathjax(reveal_clozes(text, ordinal, question=question))
        else:
            raise ValueError(f"template filter `{filt}` is not supported")
    return text


def encode_attribute(text: str) -> str:
    """Escape for an attribute as Anki does: every ASCII non-alphanumeric as an entity."""
    out = []
    for ch in text:
        code = ord(ch)
        if code >= 256 or (code < 128 and ch.isalnum()):
            out.append(ch)
        elif ch in _NAMED:
            out.append(_NAMED[ch])
        else:
            out.append(f"&#x{code:X};")
    return "".join(out)


_NAMED = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}


@dataclass(slots=True)
class ClozeNode:
    """One cloze of a field: its card numbers, what it hides (text and nested clozes), its hint."""

    ordinals: tuple[int, ...]
    nodes: list[str | ClozeNode]
    hint: str | None = None

    def text(self) -> str:
        """The hidden text (HTML), nested clozes flattened."""
        return plain_text(self.nodes)

    def ordinal_text(self) -> str:
        """Card numbers as Anki writes them in `data-ordinal` (`4,5`)."""
        return ",".join(map(str, self.ordinals))


def plain_text(nodes: list[str | ClozeNode]) -> str:
    """Field text with every cloze revealed and no cloze syntax left."""
    return "".join(n if isinstance(n, str) else n.text() for n in nodes)


def clozes_with(nodes: list[str | ClozeNode], ordinal: int) -> Iterator[ClozeNode]:
    """Every cloze, nested ones included, that card `ordinal` hides."""
    for node in nodes:
        if not isinstance(node, str):
            if ordinal in node.ordinals:
                yield node
            yield from clozes_with(node.nodes, ordinal)


def parse_clozes(text: str) -> list[str | ClozeNode]:
    """Split field text into plain text and clozes, as Anki's cloze parser does."""
    output: list[str | ClozeNode] = []
    stack: list[tuple[ClozeNode, str]] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            (stack[-1][0].nodes if stack else output).append("".join(pending))
            pending.clear()

    i = 0
    while i < len(text):
        m = _CLOZE_OPEN_RE.match(text, i) if text.startswith("{{", i) else None
        if m:
            flush()
            ordinals = tuple(int(n) for n in m.group(1).split(",") if int(n) > 0) or (0,)
            stack.append((ClozeNode(ordinals, []), m.group()))
            i = m.end()
            continue
        if text.startswith("}}", i) and stack:
            flush()
            item, _ = stack.pop()
            last = item.nodes[-1] if item.nodes else None
            if isinstance(last, str) and "::" in last:
                head, hint = last.split("::", 1)
                item.hint = hint
                if head:
                    item.nodes[-1] = head
                else:
                    item.nodes.pop()
            (stack[-1][0].nodes if stack else output).append(item)
            i += 2
            continue
        pending.append(text[i])
        i += 1
    flush()
    while stack:  # an unclosed cloze is plain text
        item, opener = stack.pop()
        nodes: list[str | ClozeNode] = [opener, *item.nodes]
        (stack[-1][0].nodes if stack else output).extend(nodes)
    return output


def reveal_clozes(text: str, ordinal: int, *, question: bool) -> str:
    """Anki's `cloze:` filter for card `ordinal`; empty when the card has no such cloze."""
    nodes = parse_clozes(text)
    if not _has_ordinal(nodes, ordinal):
        return ""
    out: list[str] = []
    in_mathjax = False
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
            for toggle in _MATHJAX_TOGGLE_RE.findall(node):
                in_mathjax = toggle[1] in "(["
        elif in_mathjax:
            out.append(_reveal_in_mathjax(node, ordinal, question))
        else:
            _reveal(node, ordinal, question, out)
    return "".join(out)


def _has_ordinal(nodes: list[str | ClozeNode], ordinal: int) -> bool:
    return any(
        isinstance(n, ClozeNode) and (ordinal in n.ordinals or _has_ordinal(n.nodes, ordinal))
        for n in nodes
    )


def _reveal(cloze: ClozeNode, ordinal: int, question: bool, out: list[str]) -> None:
    active = ordinal in cloze.ordinals
    if active and question:
        content: list[str] = []
        for node in cloze.nodes:
            if isinstance(node, str):
                content.append(node)
            else:
                _reveal(node, ordinal, False, content)
        hint = f"[{cloze.hint}]" if cloze.hint is not None else "[...]"
        out.append(
            f'<span class="cloze" data-cloze="{encode_attribute("".join(content))}" '
            f'data-ordinal="{cloze.ordinal_text()}">{hint}</span>'
        )
        return
    css = "cloze" if active else "cloze-inactive"
    out.append(f'<span class="{css}" data-ordinal="{cloze.ordinal_text()}">')
    for node in cloze.nodes:
        if isinstance(node, str):
            out.append(node)
        else:
            _reveal(node, ordinal, question, out)
    out.append("</span>")


def _reveal_in_mathjax(cloze: ClozeNode, ordinal: int, question: bool) -> str:
    if ordinal in cloze.ordinals and question:
        return f"[{cloze.hint}]" if cloze.hint is not None else "[...]"
    return "".join(
        n if isinstance(n, str) else _reveal_in_mathjax(n, ordinal, question) for n in cloze.nodes
    )


def _strip_html_inside_mathjax(text: str) -> str:
    return _MATHJAX_RE.sub(
        lambda m: m.group(1) + _HTML_TAG_RE.sub("", m.group(2)) + m.group(3), text
    )


def visible_text(card_html: str) -> str:
    """What a person reads on a rendered side: tags removed, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(_HTML_TAG_RE.sub(" ", card_html)).split())
