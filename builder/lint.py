"""`decks check`: the builder's structural errors plus card-quality rules with stable codes.

The quality rules (`D1xx`) follow how good cards are written (SuperMemo's
"20 rules of formulating knowledge", Matuschak's prompt-writing guide): one
fact per card, no sets to recall whole, no yes/no prompts, clozes that leave
enough context and give nothing away. They read the same model and the same
rendered cards the package is built from. Thresholds live in each
package's `package.yaml` under `lint:`; a note silences a rule with
`<!-- decks: allow D104 -->` (the sanitizer drops the comment, so no card
shows it). docs/AUTHORING.md documents every rule.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from markdown_it.token import Token
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from builder import cloze
from builder.build import discover, load
from builder.cards import (
    Card,
    cards_of,
    clozes_with,
    parse_clozes,
    plain_text,
    reveal_clozes,
    visible_text,
)
from builder.errors import Diagnostic, Diagnostics, Location, Severity, SourceErrors
from builder.model import Note, NoteKind, Package
from builder.parse import MD, PACKAGE_FILE, display_path
from builder.rules import QUALITY_BY_CODE, quality_code


@dataclass(frozen=True, slots=True)
class LintConfig:
    """A package's `lint:` settings: rules switched off or re-graded, and thresholds."""

    ignore: frozenset[str] = frozenset()
    error: frozenset[str] = frozenset()
    warning: frozenset[str] = frozenset()
    max_answer_words: int = 60
    max_cloze_words: int = 10
    max_clozes: int = 8
    max_list_items: int = 4
    max_cloze_share: float = 0.5
    min_leak_chars: int = 4
    year_window: int = 30

    def severity(self, code: str) -> Severity:
        """The severity a rule reports with in this package."""
        if code in self.error:
            return Severity.ERROR
        if code in self.warning:
            return Severity.WARNING
        return QUALITY_BY_CODE[code].severity


DEFAULTS = LintConfig()
# YAML key -> (attribute, kind): kind is "rules", "int" (at least 1) or "share" (0 to 1).
CONFIG_KEYS = {
    "ignore": ("ignore", "rules"),
    "error": ("error", "rules"),
    "warning": ("warning", "rules"),
    "max-answer-words": ("max_answer_words", "int"),
    "max-cloze-words": ("max_cloze_words", "int"),
    "max-clozes": ("max_clozes", "int"),
    "max-list-items": ("max_list_items", "int"),
    "max-cloze-share": ("max_cloze_share", "share"),
    "min-leak-chars": ("min_leak_chars", "int"),
    "year-window": ("year_window", "int"),
}
CONFIG_ERROR = "E018"


def read_config(folder: Path) -> tuple[LintConfig, list[Diagnostic]]:
    """The `lint:` settings of a package's package.yaml, and every problem in them."""
    path = folder / PACKAGE_FILE
    where = display_path(path)
    diags = Diagnostics()
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return DEFAULTS, []  # the build's own checks of package.yaml report it
    if not isinstance(node, MappingNode):
        return DEFAULTS, []
    section = next((v for k, v in node.value if getattr(k, "value", None) == "lint"), None)
    if section is None or (isinstance(section, ScalarNode) and section.value in ("", "~")):
        return DEFAULTS, []
    if not isinstance(section, MappingNode):
        return DEFAULTS, []  # reported by the build as E017
    values: dict[str, Any] = {}
    for key_node, value_node in section.value:
        key = str(key_node.value)
        loc = Location(where, key_node.start_mark.line + 1)
        spec = CONFIG_KEYS.get(key)
        if spec is None:
            diags.error(
                loc,
                f"unknown `lint` setting `{key}`; expected one of: {', '.join(CONFIG_KEYS)}",
                code=CONFIG_ERROR,
            )
            continue
        attr, kind = spec
        value = _config_value(key, kind, value_node, loc, diags)
        if value is not None:
            values[attr] = value
    return replace(DEFAULTS, **values), diags.items


def _config_value(
    key: str, kind: str, node: yaml.Node, loc: Location, diags: Diagnostics
) -> object | None:
    """One setting's value, or None after reporting why it is unusable."""
    if kind == "rules":
        items = node.value if isinstance(node, SequenceNode) else [node]
        codes = set()
        for item in items:
            text = str(item.value) if isinstance(item, ScalarNode) else ""
            code = quality_code(text)
            if code is None:
                diags.error(
                    loc,
                    f"`{key}` names unknown rule `{text}`: use a code such as `D104` "
                    "(`decks check --list-rules` shows them)",
                    code=CONFIG_ERROR,
                )
            else:
                codes.add(code)
        return frozenset(codes)
    raw = str(node.value) if isinstance(node, ScalarNode) else ""
    try:
        number = float(raw) if kind == "share" else int(raw)
    except ValueError:
        number = -1
    if kind == "share" and 0 < number <= 1:
        return number
    if kind == "int" and number >= 1:
        return number
    wanted = "a number above 0 and at most 1" if kind == "share" else "a whole number, 1 or more"
    diags.error(loc, f"`{key}` must be {wanted}, not `{raw}`", code=CONFIG_ERROR)
    return None


# --- reading a note's source ------------------------------------------------------------

_ALLOW_RE = re.compile(r"<!--\s*decks:\s*allow\b([^>]*?)-->", re.IGNORECASE | re.DOTALL)
_CLOZE_OPEN_RE = re.compile(r"(?<!\\)\{\{c(?:\d+(?:,\d+)*)?::")
_WORD_RE = re.compile(r"\w+")
_LETTER_RE = re.compile(r"\w")


@dataclass(slots=True)
class _Allow:
    """One `<!-- decks: allow … -->` comment: where it is and what it silences."""

    location: Location
    column: int
    codes: dict[str, bool] = field(default_factory=dict)
    """Each rule it names -> whether it silenced something."""
    unknown: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Source:
    """A note's Markdown with what the rules need to point into it."""

    note: Note
    lines: list[str]
    tokens: list[Token]
    back_start: int
    """Index into `tokens` of the first token of the answer (after `---`, or the body)."""
    clozes: list[tuple[tuple[int, ...], int, int]]
    """(card numbers, line, column) of every cloze, in order."""

    def line(self, index: int) -> int:
        """File line of the note's source line `index` (0-based)."""
        return self.note.location.line + index


def _read_source(note: Note) -> _Source:
    lines = note.source.split("\n")
    tokens = MD.parse(note.source, {})
    body = 3 if tokens and tokens[0].type == "heading_open" else 0
    if (
        len(tokens) >= body + 3
        and tokens[body].type == "paragraph_open"
        and tokens[body + 1].content.startswith("tags:")
    ):
        body += 3
    hr = next(
        (k for k in range(body, len(tokens)) if tokens[k].type == "hr" and tokens[k].level == 0),
        None,
    )
    first_line = note.location.line
    scanned = cloze.scan(note.source, first_line)
    positions = [
        (n, m.start() + 1) for n, text in enumerate(lines) for m in _CLOZE_OPEN_RE.finditer(text)
    ]
    clozes = []
    for k, found in enumerate(scanned.clozes):
        line, column = (
            (first_line + positions[k][0], positions[k][1])
            if len(positions) == len(scanned.clozes)
            else (found.line, 1)
        )
        clozes.append((found.ordinals, line, column))
    return _Source(note, lines, tokens, body if hr is None else hr + 1, clozes)


def _allows(tokens: Iterable[Token], lines: list[str], first_line: int, where: str) -> list[_Allow]:
    """The `allow` comments among raw-HTML tokens (never those shown as code)."""
    found: list[_Allow] = []
    for token in tokens:
        if token.type == "inline" and token.children:
            texts = [c.content for c in token.children if c.type == "html_inline"]
        elif token.type == "html_block":
            texts = [token.content]
        else:
            continue
        start = token.map[0] if token.map else 0
        for text in texts:
            for m in _ALLOW_RE.finditer(text):
                line_index, column = _find(lines, m.group(), start)
                allow = _Allow(Location(where, first_line + line_index), column)
                # Anything after `;` is the author's reason, for the next reader.
                names = m.group(1).split(";", 1)[0]
                for word in re.split(r"[\s,]+", names.strip()):
                    if not word:
                        continue
                    code = quality_code(word)
                    if code is None:
                        allow.unknown.append(word)
                    else:
                        allow.codes[code] = False
                found.append(allow)
    return found


def _find(lines: list[str], text: str, start: int) -> tuple[int, int]:
    """Line index and 1-based column where `text` (or its first line) starts, from `start`."""
    head = text.split("\n", 1)[0]
    for index in range(start, len(lines)):
        column = lines[index].find(head)
        if column >= 0:
            return index, column + 1
    return start, 1


def _file_allows(path: str, first_note_line: int) -> tuple[_Allow, ...]:
    """`allow` comments in a file's text before its first note: they apply to the whole file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[: first_note_line - 1]
    intro = "\n".join(lines)
    if "decks:" not in intro:
        return ()
    return tuple(_allows(MD.parse(intro, {}), lines, 1, path))


# --- the rules ------------------------------------------------------------------------

_YES_NO_RE = re.compile(
    r"^(?:is|are|am|was|were|do|does|did|can|could|should|would|will|shall|has|have|had|must|"
    r"may|might|isn't|aren't|wasn't|weren't|doesn't|don't|didn't|can't|cannot|couldn't|"
    r"shouldn't|wouldn't|won't|hasn't|haven't|true or false)\b",
    re.IGNORECASE,
)
_CHOICE_RE = re.compile(r"\bor\b", re.IGNORECASE)
_FIGURE_RE = re.compile(
    r"(?<![\w$\\])\\?[$€£]\s?\d[\d,]*(?:\.\d+)?"
    r"(?:\s?(?:[kKmMbBtT]n?|thousand|million|billion|trillion)\b)?"
    r"|\b(?:USD|EUR|GBP)\s?\d[\d,]*(?:\.\d+)?"
    r"|(?<![\w.])\d[\d,]*(?:\.\d+)?\s?(?:%|percent\b|per cent\b)"
)
_MAYBE_FIGURE_RE = re.compile(r"[$€£%]|USD|EUR|GBP|per ?cent", re.IGNORECASE)
_YEAR_RE = re.compile(r"(?<![\d.])(?:19|20)\d\d(?!\d)")
_EXAMPLE_RE = re.compile(
    r"\be\.g\.|\bfor (?:example|instance)\b|\bexample\b|\billustrat\w*|\bhypothetical\w*|"
    r"\bsuppose\b|\bimagine\b",
    re.IGNORECASE,
)
_CODE_SPAN_RE = re.compile(r"(`+).+?\1")
_MASKED_RE = re.compile(r"<!--.*?-->|\{#[^{}]*\}|\]\([^)]*\)", re.DOTALL)


_Raw = tuple[str, Location, int, str]
"""A finding before config and `allow` comments: code, location, column, message."""


def _finding(code: str, src: _Source, line: int, column: int, message: str) -> _Raw:
    return code, Location(src.note.location.path, line), column, message


def _note_rules(src: _Source, cards: list[Card], config: LintConfig) -> Iterator[_Raw]:
    """Every rule that looks at one note alone."""
    note = src.note
    heading = src.lines[0]
    if not note.explicit_id:
        yield _finding(
            "D101",
            src,
            note.location.line,
            len(heading.rstrip()) + 1,
            f"note has no pinned id: add `{{#{note.id}}}` to the heading "
            "(`decks ids --write` pins every note)",
        )
    if note.retired:
        return  # shipped once more only so candidates can delete it: its wording is final
    if note.kind is NoteKind.BASIC:
        yield from _basic_rules(src, config)
    else:
        yield from _cloze_rules(src, cards, config)
    yield from _figure_rule(src, config)


def _heading_column(heading: str) -> int:
    return len(heading) - len(heading.lstrip(" #")) + 1


def _back_line(src: _Source) -> int:
    for token in src.tokens[src.back_start :]:
        if token.map:
            return src.line(token.map[0])
    return src.note.location.line


def _basic_rules(src: _Source, config: LintConfig) -> Iterator[_Raw]:
    note = src.note
    back = visible_text(note.back)
    # An image shows, and so does an ordered list's number (`443.` alone is an empty list).
    if not back and "<img" not in note.back and "<ol" not in note.back:
        yield _finding(
            "D109",
            src,
            _back_line(src),
            1,
            "the back shows nothing (only comments, spaces or removed markup): write the answer",
        )
    words = len(_WORD_RE.findall(back))
    if words > config.max_answer_words:
        yield _finding(
            "D102",
            src,
            _back_line(src),
            1,
            f"answer has {words} words (max {config.max_answer_words}): "
            "split it into notes that each ask for one fact",
        )
    for index, token in enumerate(src.tokens):
        if index < src.back_start:
            continue
        if token.type in ("bullet_list_open", "ordered_list_open") and token.level == 0:
            items = _list_items(src.tokens, index)
            if items > config.max_list_items and token.map:
                first = token.map[0]
                yield _finding(
                    "D104",
                    src,
                    src.line(first),
                    _indent_column(src.lines[first]),
                    f"answer is a list of {items} items (max {config.max_list_items}) "
                    "with no clozes: a set is hard to recall whole; make each item a cloze "
                    "(`{{c::item}}`) or split the note",
                )
    prompt = visible_text(note.prompt)
    if _YES_NO_RE.match(prompt) and prompt.endswith("?") and not _CHOICE_RE.search(prompt):
        yield _finding(
            "D105",
            src,
            note.location.line,
            _heading_column(src.lines[0]),
            "yes/no prompt: a coin toss answers it; ask for the thing itself "
            "(what, which, why, how)",
        )


def _indent_column(line: str) -> int:
    return len(line) - len(line.lstrip()) + 1


def _list_items(tokens: list[Token], start: int) -> int:
    """Top-level items of the list opened at `tokens[start]`."""
    opener = tokens[start]
    close = opener.type.replace("_open", "_close")
    count = 0
    for token in tokens[start + 1 :]:
        if token.type == close and token.level == opener.level:
            break
        if token.type == "list_item_open" and token.level == opener.level + 1:
            count += 1
    return count


def _cloze_rules(src: _Source, cards: list[Card], config: LintConfig) -> Iterator[_Raw]:
    note = src.note
    if len(note.cloze_numbers) > config.max_clozes:
        yield _finding(
            "D103",
            src,
            note.location.line,
            _heading_column(src.lines[0]),
            f"note makes {len(note.cloze_numbers)} cards (max {config.max_clozes}): "
            "split it into smaller notes",
        )
    nodes = parse_clozes(note.front_extra)
    revealed = visible_text(note.prompt) + " " + visible_text(plain_text(nodes))
    total = len(_LETTER_RE.findall(revealed))
    for card in cards:
        n = card.ordinal
        where = next(((line, col) for ords, line, col in src.clozes if n in ords), None)
        line, column = where or (note.location.line, 1)
        answers = [visible_text(c.text()) for c in clozes_with(nodes, n)]
        hidden = sum(len(_LETTER_RE.findall(a)) for a in answers)
        words = sum(len(_WORD_RE.findall(a)) for a in answers)
        if words > config.max_cloze_words:
            yield _finding(
                "D102",
                src,
                line,
                column,
                f"cloze c{n} hides {words} words (max {config.max_cloze_words}): "
                "hide one fact per cloze",
            )
        if total and hidden / total > config.max_cloze_share:
            yield _finding(
                "D107",
                src,
                line,
                column,
                f"cloze c{n} hides {hidden * 100 // total}% of the note's text "
                f"(max {round(config.max_cloze_share * 100)}%): leave enough on the card "
                "to cue the answer",
            )
        # The deck path above the prompt is left out: it is the same on every card of a deck.
        shown = note.prompt + " " + reveal_clozes(note.front_extra, n, question=True)
        front = visible_text(shown).casefold()
        for answer in dict.fromkeys(answers):
            if len(_LETTER_RE.findall(answer)) < config.min_leak_chars:
                continue
            pattern = (
                r"(?<!\w)" + r"\s+".join(map(re.escape, answer.casefold().split())) + r"(?!\w)"
            )
            if re.search(pattern, front):
                yield _finding(
                    "D108",
                    src,
                    line,
                    column,
                    f"cloze c{n} hides `{answer}`, but card {n} shows it elsewhere: "
                    "reword the other mention or hide it in the same cloze",
                )


def _blank(m: re.Match[str]) -> str:
    """Spaces in place of a match, keeping its line breaks, so positions stay true."""
    return re.sub(r"[^\n]", " ", m.group())


def _masked(src: _Source) -> list[str]:
    """The note's lines with code, comments, ids, link targets and the tags line blanked."""
    lines = list(src.lines)
    for token in src.tokens:
        if token.type in ("fence", "code_block") and token.map:
            for k in range(token.map[0], min(token.map[1], len(lines))):
                lines[k] = " " * len(lines[k])
    text = "\n".join(lines)
    text = _CODE_SPAN_RE.sub(_blank, _MASKED_RE.sub(_blank, text))
    lines = text.split("\n")
    for k, line in enumerate(lines[1:3], start=1):
        if line.startswith("tags:"):
            lines[k] = " " * len(line)
    return lines


def _figure_rule(src: _Source, config: LintConfig) -> Iterator[_Raw]:
    if not _MAYBE_FIGURE_RE.search(src.note.source):
        return  # most notes have no figure at all: skip the masking
    lines = _masked(src)
    text = "\n".join(lines)
    figures = list(_FIGURE_RE.finditer(text))
    if not figures:
        return
    starts = [m.start() for m in re.finditer(r"\S+", text)]
    years = [bisect.bisect_right(starts, m.start()) for m in _YEAR_RE.finditer(text)]
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    heading_example = bool(_EXAMPLE_RE.search(lines[0]))
    for m in figures:
        index = bisect.bisect_right(offsets, m.start()) - 1
        column = m.start() - offsets[index]
        line = lines[index]
        word = bisect.bisect_right(starts, m.start())
        if any(abs(word - y) <= config.year_window for y in years):
            continue
        if heading_example or _EXAMPLE_RE.search(line) or _quoted(line, column):
            continue
        figure = m.group().strip().lstrip("\\")  # `\$4M` in the source is `$4M` on the card
        yield _finding(
            "D110",
            src,
            src.line(index),
            column + 1,
            f"`{figure}` has no year within {config.year_window} "
            "words: say when it was true (`(IBM, 2024)`), or mark it as an example (`e.g.`)",
        )


def _quoted(line: str, column: int) -> bool:
    """Whether `column` falls inside a quotation on its line: someone's words, not a claim."""
    before = line[:column]
    return before.count('"') % 2 == 1 or before.count("\u201c") > before.count("\u201d")


def _duplicate_prompts(notes: list[Note]) -> Iterator[_Raw]:
    seen: dict[str, Note] = {}
    for note in notes:
        if note.retired:
            continue
        prompt = visible_text(note.prompt + " " + note.front_extra)
        key = " ".join(re.sub(r"[^\w\s]", " ", prompt.casefold()).split())
        first = seen.setdefault(key, note)
        if first is not note:
            yield (
                "D106",
                note.location,
                _heading_column(note.source.split("\n", 1)[0]),
                f"same prompt as {first.location}: a candidate cannot tell which answer "
                "is wanted; make each prompt ask for its own answer",
            )


# --- running the rules ----------------------------------------------------------------


def lint_package(package: Package, config: LintConfig) -> list[Diagnostic]:
    """Every quality finding of one package, after its config and `allow` comments."""
    found: list[Diagnostic] = []
    unused: list[Diagnostic] = []
    by_file: dict[str, list[Note]] = {}
    for note in package.notes:
        by_file.setdefault(note.location.path, []).append(note)
    duplicates: dict[Location, list[_Raw]] = {}
    for raw in _duplicate_prompts(package.notes):
        duplicates.setdefault(raw[1], []).append(raw)
    for path, notes in by_file.items():
        file_allows = _file_allows(path, notes[0].location.line)
        for note in notes:
            src = _read_source(note)
            allows = _allows(src.tokens, src.lines, note.location.line, path)
            raws = [*_note_rules(src, cards_of(note), config), *duplicates.get(note.location, [])]
            for code, location, column, message in raws:
                if code in config.ignore:
                    continue
                silencer = next((a for a in (*allows, *file_allows) if code in a.codes), None)
                if silencer is not None:
                    silencer.codes[code] = True
                    continue
                found.append(Diagnostic(location, message, config.severity(code), code, column))
            unused += _unused(allows, config)
        unused += _unused(file_allows, config)
    return found + [d for d in unused if "D100" not in config.ignore]


def _unused(allows: Iterable[_Allow], config: LintConfig) -> list[Diagnostic]:
    out = []
    for allow in allows:
        for word in allow.unknown:
            out.append(
                Diagnostic(
                    allow.location,
                    f"`allow` names unknown rule `{word}` (`decks check --list-rules` lists them)",
                    config.severity("D100"),
                    "D100",
                    allow.column,
                )
            )
        for code, used in allow.codes.items():
            if not used and code not in config.ignore and code != "D100":
                out.append(
                    Diagnostic(
                        allow.location,
                        f"`allow {code}` silences nothing here: remove it",
                        config.severity("D100"),
                        "D100",
                        allow.column,
                    )
                )
    return out


@dataclass(slots=True)
class CheckResult:
    """What `decks check` found: errors first, then warnings, each in file order."""

    findings: list[Diagnostic]
    packages: int
    notes: int
    package_names: list[str] = field(default_factory=list)
    """The packages the quality rules ran on."""

    @property
    def errors(self) -> list[Diagnostic]:
        """Only the errors."""
        return [d for d in self.findings if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        """Only the warnings."""
        return [d for d in self.findings if d.severity is Severity.WARNING]

    def failed(self, strict: bool) -> bool:
        """Whether the check fails: on any error, and with `strict` on any warning too."""
        return bool(self.errors or (strict and self.warnings))

    def summary(self, strict: bool) -> str:
        """The one line `decks check` ends with."""
        errors, warnings = len(self.errors), len(self.warnings)
        if not errors and not warnings:
            return f"no problems in {self.packages} package(s), {self.notes} notes"
        line = f"{errors} error(s), {warnings} warning(s)"
        if warnings and not errors and not strict:
            line += " (--strict fails on warnings)"
        return line


def _order(d: Diagnostic) -> tuple[int, str, int, int, str, str]:
    return (
        0 if d.severity is Severity.ERROR else 1,
        d.location.path,
        d.location.line,
        d.column,
        d.code,
        d.message,
    )


def check(decks_dir: Path, names: tuple[str, ...] = (), jobs: int | None = None) -> CheckResult:
    """Structural checks of every selected package, then the quality rules on those that pass."""
    findings: list[Diagnostic] = []
    try:
        packages, structural = load(decks_dir, names, jobs)
        findings += structural
    except SourceErrors as e:
        findings += e.diagnostics
        packages = []
        # Lint each package that is sound on its own, so one broken file hides nothing else.
        for folder in discover(decks_dir, names, Diagnostics()):
            try:
                (package,), _ = load(decks_dir, (folder.name,), jobs)
            except SourceErrors:
                continue
            packages.append(package)
    for package in packages:
        config, problems = read_config(package.folder)
        findings += problems
        findings += lint_package(package, config)
    return CheckResult(
        sorted(findings, key=_order),
        len(packages),
        sum(len(p.notes) for p in packages),
        [p.name for p in packages],
    )
