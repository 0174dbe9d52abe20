"""Sources to model: read a package folder and its Markdown files into rendered notes."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import pairwise, repeat
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from markdown_it.token import Token

from builder import cloze, render
from builder.errors import Diagnostic, Diagnostics, Location
from builder.model import Deck, MediaFile, Note, NoteKind, Package, PackageMeta
from builder.progress import Progress
from builder.yamlmeta import Entry, YamlProblem, load_mapping

PACKAGE_FILE = "package.yaml"
PACKAGE_KEYS = ("id", "title", "version", "description", "lint")
FRONT_MATTER_KEYS = ("deck", "tags")
PACKAGE_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
NOTE_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
HEADING_ID_RE = re.compile(r"[ \t]*\{#([^{}\s]*)((?:[ \t]+[^{}\s]*)*)[ \t]*\}[ \t]*\Z")
HEADING_FLAGS = (".retired",)
RETIRED_TAG = "retired"
RETIRED_DECK = ("Retired",)
URL_SCHEME_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//")
_SLUG_RE = re.compile(r"[^a-z0-9]+")
_RAW_IMG_RE = re.compile(
    r"""<img\b[^>]*?\bsrc\s*=\s*["']?(?![a-zA-Z][a-zA-Z0-9+.-]*:|//)([^"'\s>]+)""", re.IGNORECASE
)
# A cloze marker inside a tag (a link's address or title, an image's text) or
# percent-encoded in a URL: Anki would show markup or hide nothing.
_MARKER_IN_TAG_RE = re.compile(
    "<[^>]*[\U000f0000-\U000ffffd\ue001\ue002][^>]*>|%F3%B[0-F]|%EE%80%8[12]", re.IGNORECASE
)
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

MD = render.make_markdown()


def display_path(path: Path) -> str:
    """A path as authors see it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def slugify(text: str) -> str:
    """A note id derived from heading text."""
    return _SLUG_RE.sub("-", text.lower()).strip("-")[:64].rstrip("-") or "note"


def check_tag(tag: str, where: Location, diags: Diagnostics) -> bool:
    """Report a tag Anki cannot store as one tag."""
    if not tag:
        diags.error(where, "empty tag", code="E106")
        return False
    if any(c.isspace() for c in tag):
        diags.error(
            where,
            f"tag `{tag}` contains a space: Anki would split it; use `-` or `::` instead",
            code="E107",
        )
        return False
    return True


@dataclass(slots=True)
class _Context:
    """What parsing one package needs across its files."""

    root: Path
    """The package folder, resolved, for checking that images stay inside it."""
    package_id: str
    diags: Diagnostics
    media: dict[str, MediaFile] = field(default_factory=dict)
    media_by_path: dict[Path, str] = field(default_factory=dict)


# Below this much Markdown, starting worker processes costs more than it saves.
PARALLEL_BYTES = 256 * 1024

_Parsed = tuple[tuple[Deck, list[Note]] | None, list[Diagnostic], dict[str, MediaFile]]


def read_package(
    folder: Path, diags: Diagnostics, jobs: int | None = None, progress: Progress | None = None
) -> Package | None:
    """Read, check and render one package; None when its package.yaml is unusable.

    Big packages are parsed by several processes, a file at a time; results are
    merged in file order, so the output does not depend on how many there are.
    """
    meta = _read_meta(folder, diags)
    usable = meta is not None
    if meta is None:
        # Read the deck files anyway, so all of a run's errors are reported together.
        meta = PackageMeta("unusable", folder.name, "0", "")
    package = Package(folder=folder, name=folder.name, meta=meta, description_html="")
    package.description_html = render_markdown(meta.description)
    sources = sorted(p for p in folder.rglob("*.md") if p.is_file())
    if not sources:
        diags.error(
            Location(display_path(folder), 0),
            "package has no Markdown files: add a `.md` file with `## ` notes",
            code="E016",
        )
    workers = _workers(sources, jobs)
    root = folder.resolve()
    outputs: Iterable[_Parsed]
    if workers > 1:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        pool = ProcessPoolExecutor(workers, multiprocessing.get_context(method))
        # One file per task: each result is small to send, and map keeps file order.
        outputs = pool.map(_parse_file, repeat(root), repeat(meta.id), sources)
    else:
        pool = None
        outputs = (_parse_file(root, meta.id, path) for path in sources)
    decks: dict[tuple[str, ...], Deck] = {}
    stage = f"reading {package.name}"
    if progress is not None:
        progress(stage, 0, len(sources))
    try:
        for done, (parsed, findings, media) in enumerate(outputs, start=1):
            if progress is not None:
                progress(stage, done, len(sources))
            diags.items.extend(findings)
            package.media.update(media)
            if parsed is None:
                continue
            deck, notes = parsed
            known = decks.get(deck.path)
            if known is None:
                decks[deck.path] = deck
            elif deck.description:
                known.description = "\n".join(filter(None, (known.description, deck.description)))
            package.notes.extend(notes)
    finally:
        if pool is not None:
            pool.shutdown()
    package.decks = [decks[k] for k in sorted(decks)]
    package.media = dict(sorted(package.media.items()))
    _check_unique_ids(package.notes, diags)
    return package if usable else None


def _workers(sources: list[Path], jobs: int | None) -> int:
    """How many processes to parse with: one unless the package is big or asked for."""
    if jobs is None:
        total = sum(p.stat().st_size for p in sources)
        jobs = 1 if total < PARALLEL_BYTES else min(os.cpu_count() or 1, 8)
    return max(1, min(jobs, len(sources)))


def _parse_file(root: Path, package_id: str, path: Path) -> _Parsed:
    """Parse one deck file with its own findings and media (in a worker for big packages)."""
    ctx = _Context(root, package_id, Diagnostics())
    return _read_deck_file(path, ctx), ctx.diags.items, ctx.media


def _read_meta(folder: Path, diags: Diagnostics) -> PackageMeta | None:
    """Read and validate `package.yaml`."""
    path = folder / PACKAGE_FILE
    where = display_path(path)
    text = _read_text(path, diags)
    if text is None:
        return None
    try:
        entries = load_mapping(text, 1)
    except YamlProblem as e:
        diags.error(Location(where, e.line), e.message, code="E010")
        return None
    ok = True
    for key, entry in entries.items():
        if key not in PACKAGE_KEYS:
            diags.error(
                Location(where, entry.line),
                f"unknown key `{key}`; expected one of: {', '.join(PACKAGE_KEYS)}",
                code="E011",
            )
            ok = False
    values: dict[str, str] = {}
    for key in PACKAGE_KEYS:
        item = entries.get(key)
        if key == "lint":
            # Settings for `decks check`, whose keys builder/lint.py validates; a build needs none.
            if item is not None and item.value is not None and not isinstance(item.value, dict):
                diags.error(
                    Location(where, item.line),
                    "`lint` must be a mapping of settings such as `max-clozes: 8`",
                    code="E017",
                )
                ok = False
            continue
        if item is None:
            if key != "description":
                diags.error(Location(where, 1), f"missing required key `{key}`", code="E012")
                ok = False
            continue
        if item.raw is None or item.value is None:
            diags.error(
                Location(where, item.line), f"`{key}` must be a single text value", code="E013"
            )
            ok = False
            continue
        values[key] = item.raw.strip()
    pid = values.get("id", "")
    if "id" in values and not PACKAGE_ID_RE.match(pid):
        diags.error(
            Location(where, entries["id"].line),
            f"package id `{pid}` must be lowercase letters, digits and `-`",
            code="E014",
        )
        ok = False
    title = values.get("title", "")
    if "title" in values and ("::" in title or not title):
        diags.error(
            Location(where, entries["title"].line),
            "title must be non-empty and must not contain `::`",
            code="E015",
        )
        ok = False
    if not ok:
        return None
    return PackageMeta(pid, title, values["version"], values.get("description", ""))


class SourceProblem(Exception):
    """Raised when a source file cannot be read as clean UTF-8 text."""

    def __init__(self, line: int, message: str, kind: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.kind = kind
        """`unreadable`, `encoding` or `control`: each caller maps it to its own code."""


def read_source(path: Path) -> str:
    """A source file as text: UTF-8, no BOM, `\\n` line ends, no control characters."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SourceProblem(0, f"cannot read file: {e.strerror}", "unreadable") from e
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise SourceProblem(
            line, f"file is not valid UTF-8 (byte 0x{data[e.start]:02x})", "encoding"
        ) from e
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL_RE.search(text)
    if bad:
        # Anki separates fields with U+001F; control characters would corrupt the note.
        line = text.count("\n", 0, bad.start()) + 1
        raise SourceProblem(line, f"control character U+{ord(bad.group()):04X}", "control")
    return text


_READ_ERRORS = {
    "unreadable": ("E020", ""),
    "encoding": ("E021", "; save it as UTF-8"),
    "control": ("E022", " is not allowed; delete it"),
}


def _read_text(path: Path, diags: Diagnostics) -> str | None:
    """Read a source file, reporting why it cannot be read with its line."""
    try:
        return read_source(path)
    except SourceProblem as e:
        code, advice = _READ_ERRORS[e.kind]
        diags.error(Location(display_path(path), e.line), e.message + advice, code=code)
        return None


def _split_front_matter(
    text: str, where: str, diags: Diagnostics
) -> tuple[dict[str, Entry] | None, str] | None:
    """Separate YAML front matter, blanking its lines so later line numbers stay true."""
    if not text.startswith("---\n"):
        return {}, text
    lines = text.split("\n")
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        diags.error(
            Location(where, 1), "front matter starts with `---` but is never closed", code="E024"
        )
        return None
    try:
        entries = load_mapping("\n".join(lines[1:end]), 2)
    except YamlProblem as e:
        diags.error(Location(where, e.line), e.message, code="E025")
        return None
    return entries, "\n" * (end + 1) + "\n".join(lines[end + 1 :])


def _read_deck_file(path: Path, ctx: _Context) -> tuple[Deck, list[Note]] | None:
    """Parse one Markdown file into its deck and notes."""
    diags = ctx.diags
    where = display_path(path)
    text = _read_text(path, diags)
    if text is None:
        return None
    if not text.strip():
        diags.error(
            Location(where, 1), "file is empty: add a `# Title` and `## ` notes", code="E023"
        )
        return None
    split = _split_front_matter(text, where, diags)
    if split is None:
        return None
    front, body = split
    assert front is not None
    deck_name: str | None = None
    file_tags: list[str] = []
    for key, entry in front.items():
        loc = Location(where, entry.line)
        if key not in FRONT_MATTER_KEYS:
            diags.error(
                loc,
                f"unknown front-matter key `{key}`; expected one of: "
                f"{', '.join(FRONT_MATTER_KEYS)}",
                code="E026",
            )
        elif key == "deck":
            if not isinstance(entry.value, str) or not entry.value.strip():
                diags.error(
                    loc,
                    "`deck` must be a deck name such as `Technical::Threat Modeling`",
                    code="E027",
                )
            else:
                deck_name = entry.value
        else:
            values = [entry.value] if isinstance(entry.value, str) else entry.value
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                diags.error(
                    loc, "`tags` must be a list of tags such as `[aws, threat-model]`", code="E028"
                )
                continue
            file_tags.extend(t for t in values if check_tag(t, loc, diags))

    scanned = cloze.scan(body)
    for line, message, code in scanned.errors:
        diags.error(Location(where, line), message, code=code)
    env: dict[str, Any] = {}
    tokens = MD.parse(scanned.text, env)
    return _FileWalker(path, where, ctx, scanned.clozes, env, body.split("\n")).walk(
        tokens, deck_name, tuple(file_tags)
    )


@dataclass(slots=True)
class _RawNote:
    """A note's tokens as cut from the file, before rendering."""

    heading: Token
    line: int
    body: list[Token] = field(default_factory=list)
    end: int = 0
    """Last source line of the note (1-based, inclusive)."""


class _FileWalker:
    """Cuts one file's token stream into notes and renders them."""

    def __init__(
        self,
        path: Path,
        where: str,
        ctx: _Context,
        clozes: list[cloze.Cloze],
        env: dict[str, Any],
        lines: list[str],
    ) -> None:
        self.path = path
        self.lines = lines
        self.where = where
        self.ctx = ctx
        self.diags = ctx.diags
        self.clozes = clozes
        self.env = env

    def loc(self, line: int) -> Location:
        return Location(self.where, line)

    def walk(
        self, tokens: list[Token], deck_name: str | None, file_tags: tuple[str, ...]
    ) -> tuple[Deck, list[Note]] | None:
        """Split tokens at `##` headings and render every note."""
        title: Token | None = None
        intro: list[Token] = []
        raw_notes: list[_RawNote] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.type == "heading_open" and token.level == 0 and token.tag in ("h1", "h2"):
                line = token.map[0] + 1 if token.map else 0
                if token.markup in ("-", "="):
                    self.diags.error(
                        self.loc(line + 1),
                        "a `---` or `===` line right under text turns the text "
                        "into a heading: put a blank line before it",
                        code="E033",
                    )
                elif token.tag == "h2":
                    raw_notes.append(_RawNote(tokens[i + 1], line))
                elif title is None and not raw_notes:
                    title = tokens[i + 1]
                else:
                    self.diags.error(
                        self.loc(line),
                        "a file has one `# ` title, before its first note; use `##` for notes",
                        code="E032",
                    )
                i += 3
                continue
            (raw_notes[-1].body if raw_notes else intro).append(token)
            i += 1

        for raw, following in pairwise(raw_notes):
            raw.end = following.line - 1
        if raw_notes:
            raw_notes[-1].end = len(self.lines)

        if deck_name is None and title is not None:
            deck_name = title.content.strip()
        if not deck_name:
            self.diags.error(
                self.loc(1),
                "the file names no deck: add `deck:` front matter or a `# Title` line",
                code="E029",
            )
            return None
        parts = tuple(p.strip() for p in deck_name.split("::"))
        if not all(parts):
            self.diags.error(self.loc(1), f"deck name `{deck_name}` has an empty part", code="E030")
            return None
        if not raw_notes:
            self.diags.error(
                self.loc(1),
                "the file has no notes: each note starts with a `## ` heading",
                code="E031",
            )
        if cloze.MARKER_RE.search("".join(t.content for t in intro)):
            line = next((t.map[0] + 1 for t in intro if t.map), 1)
            self.diags.error(
                self.loc(line), "clozes belong in a note, after a `## ` heading", code="E034"
            )
        description, raw_html = self._render_blocks(intro)
        deck = Deck(parts, self.loc(1), render.finish(description, raw_html=raw_html, clozes=[]))
        notes = [n for n in (self._note(r, parts, file_tags) for r in raw_notes) if n]
        return deck, notes

    def _render_blocks(self, tokens: list[Token]) -> tuple[str, bool]:
        """Check and render block tokens: HTML (not yet final) and whether raw HTML is in it."""
        raw_html = self._check_blocks(tokens)
        return (str(MD.renderer.render(tokens, MD.options, self.env)) if tokens else ""), raw_html

    def _check_blocks(self, tokens: list[Token]) -> bool:
        """Check fence languages and embed images, with the line of each; report raw HTML."""
        raw_html = False
        for token in tokens:
            kind = token.type
            if kind == "inline":
                if token.children:
                    raw_html |= self._check_inline(token.children, token)
            elif kind == "fence":
                if not self._fence_closed(token):
                    self.diags.error(
                        self.loc(_line(token)),
                        "code fence opened here is never closed, so every note after it "
                        f"becomes code: end it with a line of {token.markup}",
                        code="E304",
                    )
                lang = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
                if not render.known_language(lang):
                    self.diags.error(
                        self.loc(_line(token)),
                        f"unknown code language `{lang}`: use a "
                        "Pygments language name, or none for plain text",
                        code="E301",
                    )
            elif kind == "html_block":
                raw_html = True
                self._check_raw_images(token.content, token)
        return raw_html

    def _fence_closed(self, token: Token) -> bool:
        """Whether a fence ends on a closing fence line (markdown-it runs an open one to EOF)."""
        if not token.map:
            return True
        last = (
            self.lines[token.map[1] - 1].lstrip(" >\t") if token.map[1] > token.map[0] + 1 else ""
        )
        char, size = token.markup[0], len(token.markup)
        return last.rstrip().startswith(char * size) and not last.rstrip().strip(char)

    def _check_raw_images(self, html: str, block: Token) -> None:
        """Raw `<img>` tags are not embedded: a local path would show a broken image."""
        for m in _RAW_IMG_RE.finditer(html):
            self.diags.error(
                self.loc(_line(block)),
                f"raw `<img>` with the local path `{m.group(1)}` is not embedded: write "
                f"`![description]({m.group(1)})` instead",
                code="E305",
            )

    def _check_inline(self, children: list[Token], block: Token) -> bool:
        """Embed the images of one inline block; report whether it holds raw HTML."""
        raw_html = False
        for child in children:
            kind = child.type
            if kind == "html_inline":
                raw_html = True
                self._check_raw_images(child.content, block)
            elif kind == "image":
                src = str(child.attrs.get("src", ""))
                if src and not URL_SCHEME_RE.match(src):
                    path = unquote(src.split("#", 1)[0].split("?", 1)[0])
                    name = self._media_name(path, _line(block))
                    if name:
                        child.attrs["src"] = name
        return raw_html

    def _media_name(self, src: str, line: int) -> str | None:
        """Register an image and return its collision-free media name."""
        ctx = self.ctx
        target = (self.path.parent / src).resolve()
        if not target.is_relative_to(ctx.root):
            self.diags.error(
                self.loc(line),
                f"image `{src}` is outside the package folder; copy it into the package",
                code="E302",
            )
            return None
        known = ctx.media_by_path.get(target)
        if known:
            return known
        if not target.is_file():
            self.diags.error(
                self.loc(line),
                f"image `{src}` not found (looked for {display_path(target)})",
                code="E303",
            )
            return None
        digest = hashlib.sha256(target.read_bytes()).hexdigest()[:16]
        name = f"{ctx.package_id}-{digest}{target.suffix.lower()}"
        ctx.media_by_path[target] = name
        ctx.media.setdefault(name, MediaFile(name, target))
        return name

    def _note(
        self, raw: _RawNote, deck: tuple[str, ...], file_tags: tuple[str, ...]
    ) -> Note | None:
        """Render one note and decide its kind."""
        loc = self.loc(raw.line)
        heading = raw.heading
        content = heading.content
        note_id: str | None = None
        retired = False
        m = HEADING_ID_RE.search(content)
        if m:
            note_id = m.group(1)
            content = content[: m.start()]
            _strip_heading_id(heading, m.group())
            if not NOTE_ID_RE.match(note_id):
                self.diags.error(
                    loc,
                    f"note id `{note_id}` may only use letters, digits, `.`, `_` and `-`",
                    code="E101",
                )
                return None
            for flag in m.group(2).split():
                if flag not in HEADING_FLAGS:
                    self.diags.error(
                        loc,
                        f"unknown heading flag `{flag}`; expected: {', '.join(HEADING_FLAGS)}",
                        code="E102",
                    )
                    return None
                retired = True
        if not content.strip():
            self.diags.error(loc, "note heading is empty: the heading is the prompt", code="E103")
            return None

        body = raw.body
        tags = list(file_tags)
        if (
            len(body) >= 3
            and body[0].type == "paragraph_open"
            and body[1].content.startswith("tags:")
        ):
            line = body[0].map[0] + 1 if body[0].map else raw.line
            tag_text = body[1].content[len("tags:") :]
            if "\n" in tag_text:
                self.diags.error(
                    self.loc(line), "put a blank line after the `tags:` line", code="E105"
                )
            for tag in (t.strip() for t in tag_text.split(",")):
                if check_tag(tag, self.loc(line), self.diags) and tag not in tags:
                    tags.append(tag)
            body = body[3:]

        split = next((k for k, t in enumerate(body) if _is_separator(t)), None)
        main = body if split is None else body[:split]
        after = [] if split is None else body[split + 1 :]
        heading_html = self._check_inline(heading.children or [], heading)
        prompt = str(MD.renderer.render(heading.children or [], MD.options, self.env))
        main_html, main_raw = self._render_blocks(main)
        after_html, after_raw = self._render_blocks(after)
        raw_html = heading_html or main_raw or after_raw

        if cloze.MARKER_RE.search(after_html):
            line = cloze.first_cloze_line(after_html, self.clozes) or raw.line
            self.diags.error(
                self.loc(line),
                "clozes after `---` are never hidden: move them above the `---` line",
                code="E207",
            )
        numbers = cloze.ordinals_in(main_html, self.clozes)
        if _MARKER_IN_TAG_RE.search(prompt) or _MARKER_IN_TAG_RE.search(main_html):
            self.diags.error(
                loc,
                "a cloze inside a link's address or title, or an image's description, "
                "cannot be hidden: put the whole link or image inside the cloze",
                code="E211",
            )
        for bad in cloze.unbalanced_clozes(main_html, self.clozes):
            self.diags.error(
                self.loc(bad),
                "cloze starts inside Markdown formatting and ends "
                "outside it (or the reverse): put the whole "
                "`**…**`, link or code span inside the cloze",
                code="E208",
            )
        kind = NoteKind.CLOZE if numbers else NoteKind.BASIC
        if kind is NoteKind.BASIC:
            front_extra, back = (main_html, after_html) if split is not None else ("", main_html)
            if not back.strip():
                self.diags.error(
                    loc,
                    "note has no answer: write it under the heading"
                    + (", after the `---` line" if split is not None else ""),
                    code="E108",
                )
        else:
            front_extra, back = main_html, after_html

        def finish(html: str, clozes: list[cloze.Cloze] | None = None) -> str:
            return render.finish(html, raw_html=raw_html, clozes=clozes or [])

        if retired:
            # Importing never deletes: a retired note ships in one place, under one tag,
            # so a candidate can find and delete every retired note with one search.
            deck = RETIRED_DECK
            tags.append(RETIRED_TAG)
        return Note(
            id=note_id or slugify(content),
            explicit_id=note_id is not None,
            location=loc,
            deck=deck,
            kind=kind,
            prompt=finish(prompt),
            front_extra=finish(front_extra, self.clozes if numbers else None),
            back=finish(back),
            tags=tuple(tags),
            cloze_numbers=tuple(sorted(numbers)),
            retired=retired,
            source="\n".join(self.lines[raw.line - 1 : raw.end]).rstrip(),
        )


def _is_separator(token: Token) -> bool:
    """A top-level `---` line; `***` and `___` stay ordinary rules."""
    return token.type == "hr" and token.level == 0 and set(token.markup) == {"-"}


def _line(token: Token) -> int:
    """1-based line of a block token."""
    return token.map[0] + 1 if token.map else 0


def _strip_heading_id(heading: Token, suffix: str) -> None:
    """Remove the `{#id}` suffix from a heading's parsed inline children."""
    children = heading.children or []
    last = children[-1] if children else None
    if last is not None and last.type == "text" and last.content.endswith(suffix.strip()):
        last.content = last.content[: len(last.content) - len(suffix.strip())].rstrip()
        return
    # The id was split across tokens: parse the heading again without it.
    stripped = heading.content[: len(heading.content) - len(suffix)]
    heading.content = stripped
    heading.children = MD.parseInline(stripped, {})[0].children


def _has_raw_html(tokens: list[Token]) -> bool:
    """Whether any token is raw HTML, which must then be sanitized."""
    for token in tokens:
        if token.type in ("html_block", "html_inline"):
            return True
        if token.children and _has_raw_html(token.children):
            return True
    return False


def render_markdown(source: str) -> str:
    """Render Markdown that is not a deck file, such as a package description."""
    if not source.strip():
        return ""
    tokens = MD.parse(source, {})
    return render.finish(
        str(MD.renderer.render(tokens, MD.options, {})), raw_html=_has_raw_html(tokens), clozes=[]
    )


def _check_unique_ids(notes: list[Note], diags: Diagnostics) -> None:
    """Report every note id used twice in a package, naming both places."""
    seen: dict[str, Note] = {}
    for note in notes:
        first = seen.setdefault(note.id, note)
        if first is not note:
            how = "" if note.explicit_id else " (derived from the heading: pin a `{#id}`)"
            diags.error(
                note.location,
                f"duplicate note id `{note.id}`{how}; first used at {first.location}",
                code="E104",
            )
