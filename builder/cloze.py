"""Find clozes in raw Markdown and replace them with placeholder characters.

Clozes are found before Markdown parsing, on the raw text, so that they work
the same in prose, inline code, fenced code and math, and so that every
mistake is reported with its line. Each cloze becomes private-use
characters that Markdown treats as plain text; `restore` turns them back into
Anki's syntax once the field HTML is final.
"""

from __future__ import annotations

import re
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

# Tokens that matter inside a line; fences, headings and blank lines are found per line.
_TOKEN_RE = re.compile(
    r"""
      (?P<escape>\\[{\\])                           # backslash escape
    | (?P<ticks>`+)
    | (?P<open>\{\{c(?P<ords>\d+(?:,\d+)*)?::)
    | (?P<lookalike>\{\{\s*[cC][\d,\s]*:)
    | (?P<close>\}{2,})
    | (?P<hint>::)
    """,
    re.VERBOSE,
)
_HEADING_RE = re.compile(r"#{1,6}(?=[ \t]|$)")
_TICKS_RE = re.compile(r"`+")


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
    errors: list[tuple[int, str, str]]
    """(line, message, code) of every problem found."""


def scan(text: str, first_line: int = 1) -> ScanResult:
    """Replace every cloze in `text` with markers, checking each as it goes."""
    if "{{" not in text and not _RESERVED_RE.search(text):
        return ScanResult(text, [], [])
    return _Scanner(first_line).run(text)


class _Scanner:
    """Line-by-line cloze scanner: most lines hold nothing of interest and cost one test."""

    def __init__(self, first_line: int) -> None:
        self.first_line = first_line
        self.errors: list[tuple[int, str, str]] = []
        self.clozes: list[Cloze] = []
        self.fence: str | None = None  # the fence that opened the current code block
        self.ticks = 0  # length of the backtick run that opened the current code span
        self.highest = 0  # highest cloze number so far in the current note
        self.open_line = 0  # line of the open cloze, or 0 when none is open
        self.hinted = False
        self.has_content = False  # whether the open cloze hides anything yet

    def run(self, text: str) -> ScanResult:
        reserved = _RESERVED_RE.search(text)
        if reserved:
            where = text.count("\n", 0, reserved.start()) + self.first_line
            code = ord(reserved.group())
            self.errors.append(
                (where, f"private-use character U+{code:04X} is reserved by the builder", "E210")
            )
            # Neutralize them so no later stage mistakes them for cloze markers.
            return ScanResult(_RESERVED_RE.sub("\ufffd", text), [], self.errors)
        lines = [self._line(line, n) for n, line in enumerate(text.split("\n"), self.first_line)]
        self._close_dangling("before the end of the file")
        return ScanResult("\n".join(lines), self.clozes, self.errors)

    def _close_dangling(self, reason: str) -> None:
        if self.open_line:
            self.errors.append(
                (self.open_line, f"cloze is not closed with `}}}}` {reason}", "E201")
            )
            self.open_line = 0

    def _line(self, line: str, number: int) -> str:
        stripped = line.lstrip(" ")
        indented = len(line) - len(stripped) > 3
        if not indented and stripped[:3] in ("```", "~~~"):
            marker = stripped[: len(stripped) - len(stripped.lstrip(stripped[0]))]
            if self.fence is None:
                self.fence = marker
            elif marker[0] == self.fence[0] and len(marker) >= len(self.fence):
                self.fence = None
            return line
        if not stripped.strip():
            self.ticks = 0
            return line
        heading = False
        if self.fence is None and not indented and stripped[0] == "#":
            m = _HEADING_RE.match(stripped)
            if m:
                heading = True
                self.ticks = 0
                if m.group() == "##":
                    self._close_dangling("before the next note starts")
                    self.highest = 0
        if not self.open_line and "{{" not in line:
            if "`" in line and self.fence is None:
                for run in _TICKS_RE.findall(line):
                    self._ticks(len(run))
            return line
        return self._tokens(line, number, heading)

    def _ticks(self, run: int) -> None:
        """Track inline code spans: a run of backticks closes the span an equal run opened."""
        if self.ticks == 0:
            self.ticks = run
        elif run == self.ticks:
            self.ticks = 0

    def _tokens(self, line: str, number: int, heading: bool) -> str:
        out: list[str] = []
        pos = 0
        for m in _TOKEN_RE.finditer(line):
            kind = m.lastgroup
            start = m.start()
            if self.open_line and not self.hinted and line[pos:start].strip():
                self.has_content = True
            in_code = self.fence is not None or self.ticks > 0
            if kind == "escape" or (kind == "hint" and (in_code or not self.open_line)):
                continue  # Markdown turns `\{` into `{`; it never starts a cloze
            if kind == "ticks":
                if self.fence is None:
                    self._ticks(len(m.group()))
                if self.open_line and not self.hinted:
                    self.has_content = True
                continue
            if kind == "lookalike":
                if not in_code:
                    self.errors.append(
                        (
                            number,
                            f"`{m.group()}` looks like a cloze but is not one: "
                            "write `{{c1::text}}`, or `\\{{` for literal braces",
                            "E205",
                        )
                    )
                continue
            if kind == "open":
                if not self._open(m, number, heading):
                    continue
                out.append(line[pos:start])
                out.append(chr(OPEN_BASE + len(self.clozes) - 1))
            elif kind == "hint" and not self.hinted:
                # In code `::` is literal (`std::map`); in prose the first one starts the hint.
                self._require_content()
                out.append(line[pos:start])
                out.append(HINT)
                self.hinted = True
            elif kind == "close" and self.open_line:
                # A run of braces closes on its last two: `{{c1::f() {}}}` hides `f() {}`.
                end = m.end()
                if not self.hinted:
                    if line[start : end - 2].strip():
                        self.has_content = True
                    self._require_content()
                out.append(line[pos : end - 2])
                out.append(CLOSE)
                self.open_line = 0
            else:
                continue
            pos = m.end()
        if self.open_line and not self.hinted and line[pos:].strip():
            self.has_content = True
        out.append(line[pos:])
        return "".join(out)

    def _open(self, m: re.Match[str], number: int, heading: bool) -> bool:
        """Start a cloze; False when it must be skipped (and was reported)."""
        if heading:
            self.errors.append(
                (number, "clozes belong in the note's body, not in its heading", "E206")
            )
            return False
        if self.open_line:
            self.errors.append(
                (
                    number,
                    "nested cloze: clozes cannot contain clozes "
                    f"(the cloze from line {self.open_line} is still open)",
                    "E202",
                )
            )
            return False
        ords_text = m.group("ords")
        if ords_text is None:
            ordinals: tuple[int, ...] = (self.highest + 1,)
        else:
            ordinals = tuple(sorted({int(n) for n in ords_text.split(",")}))
            if ordinals[0] < 1:
                self.errors.append((number, "cloze numbers start at 1 (`{{c1::…}}`)", "E204"))
                return False
        if len(self.clozes) >= MAX_CLOZES:
            self.errors.append((number, "too many clozes in one file", "E209"))
            return False
        self.highest = max(self.highest, ordinals[-1])
        self.clozes.append(Cloze(ordinals, number))
        self.open_line, self.hinted, self.has_content = number, False, False
        return True

    def _require_content(self) -> None:
        if not self.has_content:
            self.errors.append((self.open_line, "empty cloze: a cloze must hide some text", "E203"))


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
