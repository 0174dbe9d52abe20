"""What a section says out loud: its plain text by source line, words, sentences, numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from builder.parse import MD

WORD_RE = re.compile(r"[^\W_]+(?:['\u2019.,][^\W_]+)*")
# A figure: digits not glued to a word before them (`S3`, `log4j` are names, not numbers).
FIGURE_RE = re.compile(r"(?<![\w.,])[$\u20ac\u00a3]?\d+(?:[.,]\d+)*(?:\s?%)?")
NUMBER_WORDS = [
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "billions",
    "dozen",
    "dozens",
    "half",
    "halved",
    "double",
    "doubled",
    "twice",
    "triple",
    "tripled",
    "quadrupled",
    "percent",
]
NUMBER_WORD_RE = re.compile(r"\b(?:" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)
NUMBER_RE = re.compile(f"{FIGURE_RE.pattern}|{NUMBER_WORD_RE.pattern}", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"\u201d')\]]*\s+(?=[\"\u201c'(\[]?[A-Z0-9])")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a section, with the source line it starts on."""

    text: str
    line: int


def blocks(markdown: str, first_line: int) -> list[list[tuple[int, str]]]:
    """Each paragraph, list item or cell as its source lines of plain text (code left out)."""
    out: list[list[tuple[int, str]]] = []
    for token in MD.parse(markdown, {}):
        if token.type != "inline" or token.map is None:
            continue
        line = token.map[0] + first_line
        current: list[str] = [""]
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                current.append("")
            elif child.type in ("text", "code_inline", "math_inline") or child.type == "image":
                current[-1] += child.content
        out.append([(line + k, text) for k, text in enumerate(current) if text.strip()])
    return [b for b in out if b]


def plain_text(markdown: str) -> str:
    """The words a section says, without Markdown markup or code blocks."""
    return "\n".join(text for block in blocks(markdown, 1) for _, text in block)


def word_count(markdown: str) -> int:
    """How many words a section says."""
    return len(WORD_RE.findall(plain_text(markdown)))


def sentences(markdown: str, first_line: int) -> list[Sentence]:
    """The sentences of a section, each with the line it starts on."""
    found: list[Sentence] = []
    for block in blocks(markdown, first_line):
        text = ""
        starts: list[tuple[int, int]] = []  # (offset in text, source line)
        for line, part in block:
            if text:
                text += " "
            starts.append((len(text), line))
            text += part.strip()
        pos = 0
        for piece in _SENTENCE_END_RE.split(text):
            offset = text.find(piece, pos)
            pos = offset + len(piece)
            line = max(ln for start, ln in starts if start <= offset)
            if piece.strip():
                found.append(Sentence(piece.strip(), line))
    return found


def has_number(markdown: str) -> bool:
    """Whether a section gives a measure: a figure, or a word such as `twice` or `halved`."""
    return NUMBER_RE.search(plain_text(markdown)) is not None
