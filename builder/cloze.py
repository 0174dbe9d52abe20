"""Find clozes in raw Markdown and replace them with placeholder characters.

Clozes are found before Markdown parsing, on the raw text, so that they work
the same in prose, inline code, fenced code and math, and so that every
mistake is reported with its line. Each cloze becomes private-use
characters that Markdown treats as plain text; `restore` turns them back into
Anki's syntax once the field HTML is final.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# One open marker per cloze of a file: the character's offset from the base
# is the cloze's index in the file's table (Supplementary Private Use Area-A).
OPEN_BASE = 0xF0000
MAX_CLOZES = 0xFFFD
HINT = "\ue001"
CLOSE = "\ue002"
MARKER_RE = re.compile("[\U000f0000-\U000ffffd\ue001\ue002]")
OPEN_RE = re.compile("[\U000f0000-\U000ffffd]")
_RESERVED_RE = re.compile("[\U000f0000-\U000ffffd\ue000-\ue00f]")

_TOKEN_RE = re.compile(
    r"""
      (?P<fence>^[ ]{0,3}(?:`{3,}|~{3,}))          # fence line start
    | (?P<heading>^[ ]{0,3}\#{1,6}(?=[ \t]|$))     # ATX heading line start
    | (?P<blank>^[ \t]*$)                          # blank line ends code spans
    | (?P<escape>\\[{\\])                           # backslash escape
    | (?P<ticks>`+)
    | (?P<open>\{\{c(?P<ords>\d+(?:,\d+)*)?::)
    | (?P<lookalike>\{\{\s*[cC][\d,\s]*:)
    | (?P<close>\}{2,})
    | (?P<hint>::)
    """,
    re.MULTILINE | re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Cloze:
    """One cloze of a file: which cards hide it and where it was written."""

    ordinals: tuple[int, ...]
    line: int


@dataclass(slots=True)
class ScanResult:
    """Text with clozes replaced by markers, the cloze table and any errors."""

    text: str
    clozes: list[Cloze]
    errors: list[tuple[int, str]]


class _LineIndex:
    """Maps an offset in the text to its 1-based line number."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)


def scan(text: str, first_line: int = 1) -> ScanResult:
    """Replace every cloze in `text` with markers, checking each as it goes."""
    errors: list[tuple[int, str]] = []
    clozes: list[Cloze] = []
    if "{{" not in text and not _RESERVED_RE.search(text):
        return ScanResult(text, clozes, errors)
    lines = _LineIndex(text)

    def line_of(offset: int) -> int:
        return lines.line(offset) + first_line - 1

    reserved = _RESERVED_RE.search(text)
    if reserved:
        errors.append(
            (
                line_of(reserved.start()),
                f"private-use character U+{ord(reserved.group()):04X} is reserved by the builder",
            )
        )
        # Neutralize them so no later stage mistakes them for cloze markers.
        return ScanResult(_RESERVED_RE.sub("\ufffd", text), clozes, errors)

    out: list[str] = []
    pos = 0
    fence: str | None = None  # the fence that opened the current code block
    ticks = 0  # length of the backtick run that opened the current code span
    heading_line = -1  # line of the ATX heading being scanned, if any
    highest = 0  # highest cloze number so far in the current note
    open_at = -1  # offset of the open cloze, or -1
    open_line = 0
    content_start = 0
    hinted = False

    def close_dangling(reason: str) -> None:
        nonlocal open_at
        if open_at >= 0:
            errors.append((open_line, f"cloze is not closed with `}}}}` {reason}"))
            open_at = -1

    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        start = m.start()
        if kind == "fence":
            marker = m.group().lstrip()
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            continue
        if kind == "blank":
            ticks = 0
            continue
        if fence is None and kind == "heading":
            heading_line = line_of(start)
            ticks = 0
            if m.group().lstrip() == "##":
                close_dangling("before the next note starts")
                highest = 0
            continue
        if kind == "escape":
            continue  # Markdown turns `\{` into `{`; it never starts a cloze
        in_code = fence is not None or ticks > 0
        if kind == "ticks":
            if fence is None:
                run = len(m.group())
                if ticks == 0:
                    ticks = run
                elif run == ticks:
                    ticks = 0
            continue
        if kind == "lookalike":
            if not in_code:
                errors.append(
                    (
                        line_of(start),
                        f"`{m.group()}` looks like a cloze but is not one: "
                        "write `{{c1::text}}`, or `\\{{` for literal braces",
                    )
                )
            continue
        if kind == "open":
            line = line_of(start)
            if line == heading_line and fence is None:
                errors.append((line, "clozes belong in the note's body, not in its heading"))
                continue
            if open_at >= 0:
                errors.append(
                    (
                        line,
                        f"nested cloze: clozes cannot contain clozes "
                        f"(the cloze from line {open_line} is still open)",
                    )
                )
                continue
            ords_text = m.group("ords")
            if ords_text is None:
                ordinals: tuple[int, ...] = (highest + 1,)
            else:
                ordinals = tuple(sorted({int(n) for n in ords_text.split(",")}))
                if ordinals[0] < 1:
                    errors.append((line, "cloze numbers start at 1 (`{{c1::…}}`)"))
                    continue
            if len(clozes) >= MAX_CLOZES:
                errors.append((line, "too many clozes in one file"))
                continue
            highest = max(highest, ordinals[-1])
            out.append(text[pos:start])
            out.append(chr(OPEN_BASE + len(clozes)))
            clozes.append(Cloze(ordinals, line))
            pos = m.end()
            open_at, open_line, content_start, hinted = start, line, pos, False
            continue
        if open_at < 0:
            continue
        if kind == "hint":
            # In code `::` is literal (`std::map`); in prose the first one starts the hint.
            if not in_code and not hinted:
                _check_empty(text[content_start:start], open_line, errors)
                out.append(text[pos:start])
                out.append(HINT)
                pos = m.end()
                hinted = True
            continue
        if kind == "close":
            end = m.end()
            if not hinted:
                _check_empty(text[content_start : end - 2], open_line, errors)
            # A run of braces closes on its last two: `{{c1::f() {}}}` hides `f() {}`.
            out.append(text[pos : end - 2])
            out.append(CLOSE)
            pos = end
            open_at = -1
    close_dangling("before the end of the file")
    out.append(text[pos:])
    return ScanResult("".join(out), clozes, errors)


def _check_empty(content: str, line: int, errors: list[tuple[int, str]]) -> None:
    """Report a cloze that hides nothing."""
    if not content.strip():
        errors.append((line, "empty cloze: a cloze must hide some text"))


def restore(html: str, clozes: list[Cloze]) -> str:
    """Turn markers in finished HTML back into Anki's cloze syntax."""

    def opener(m: re.Match[str]) -> str:
        ordinals = clozes[ord(m.group()) - OPEN_BASE].ordinals
        return "{{c" + ",".join(map(str, ordinals)) + "::"

    return OPEN_RE.sub(opener, html).replace(HINT, "::").replace(CLOSE, "}}")


def ordinals_in(html: str, clozes: list[Cloze]) -> set[int]:
    """Card numbers of the clozes whose markers appear in `html`."""
    found: set[int] = set()
    for m in OPEN_RE.finditer(html):
        found.update(clozes[ord(m.group()) - OPEN_BASE].ordinals)
    return found


def first_cloze_line(html: str, clozes: list[Cloze]) -> int | None:
    """Source line of the first cloze marker in `html`, if any."""
    m = OPEN_RE.search(html)
    return clozes[ord(m.group()) - OPEN_BASE].line if m else None


def strip_markers(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Remove markers from code, returning the plain code and where each marker sat."""
    positions: list[tuple[int, str]] = []
    parts: list[str] = []
    last = 0
    for removed, m in enumerate(MARKER_RE.finditer(text)):
        parts.append(text[last : m.start()])
        positions.append((m.start() - removed, m.group()))
        last = m.end()
    parts.append(text[last:])
    return "".join(parts), positions


_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
_VOID = frozenset({"br", "hr", "img", "wbr", "input", "col", "area", "source"})


def unbalanced_clozes(html: str, clozes: list[Cloze]) -> list[int]:
    """Lines of clozes whose content opens or closes HTML elements it does not contain whole."""
    bad: list[int] = []
    for m in OPEN_RE.finditer(html):
        end = html.find(CLOSE, m.end())
        if end < 0:
            continue  # an unclosed cloze, already reported by `scan`
        if not _balanced(html[m.end() : end]):
            bad.append(clozes[ord(m.group()) - OPEN_BASE].line)
    return bad


def _balanced(fragment: str) -> bool:
    """Whether every element opened in `fragment` is closed in it, and vice versa."""
    if "<" not in fragment:
        return True
    stack: list[str] = []
    for m in _TAG_RE.finditer(fragment):
        closing, name, selfclosing = m.group(1), m.group(2).lower(), m.group(3)
        if name in _VOID or selfclosing:
            continue
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack
