"""Story files to stories: front matter or `# Title` blocks, `## ` sections, with lines."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from builder.parse import SourceProblem, display_path, read_source, slugify
from builder.stories.model import Finding, Part, Section, Story, When, finding
from builder.stories.principles import resolve
from builder.yamlmeta import Entry, YamlProblem, load_mapping

KEYS = ("title", "id", "principles", "when")
STORY_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}\Z")
WHEN_RE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\Z")
EXAMPLE_PREFIX = "example"
_H1_RE = re.compile(r"#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*\Z")
_H2_RE = re.compile(r"##(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*\Z")
_SECTION_NAMES = {
    "situation": Part.SITUATION,
    "task": Part.TASK,
    "action": Part.ACTION,
    "actions": Part.ACTION,
    "result": Part.RESULT,
    "results": Part.RESULT,
    "learning": Part.LEARNING,
    "learnings": Part.LEARNING,
}


def story_files(paths: Sequence[Path]) -> tuple[list[tuple[Path, bool]], list[Finding]]:
    """Markdown files to read, each with whether it is a shipped example.

    A folder gives its `.md` files in sorted order (hidden folders skipped), and
    files named `example…` in it are examples. A file named on its own is always
    the candidate's story, example or not.
    """
    found: list[tuple[Path, bool]] = []
    problems: list[Finding] = []
    for path in paths:
        where = display_path(path)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*.md")
                if p.is_file() and not any(s.startswith(".") for s in p.relative_to(path).parts)
            )
            if not files:
                problems.append(
                    finding(where, 0, "S002", "no stories here: add a `.md` file (docs/STORIES.md)")
                )
            found += [(p, p.name.startswith(EXAMPLE_PREFIX)) for p in files]
        elif path.is_file():
            found.append((path, False))
        else:
            problems.append(
                finding(where, 0, "S001", "no such file or folder: write your stories in stories/")
            )
    seen: set[Path] = set()
    unique = []
    for path, example in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append((path, example))
    return unique, problems


def read_stories(paths: Sequence[Path]) -> tuple[list[Story], list[Finding]]:
    """Read every story under `paths`; findings cover unreadable files and bad structure."""
    files, findings = story_files(paths)
    stories: list[Story] = []
    for path, example in files:
        file_stories, file_findings = read_file(path, example)
        stories += file_stories
        findings += file_findings
    findings += _duplicate_ids(stories)
    return stories, findings


def read_text(path: Path, where: str) -> tuple[str | None, Finding | None]:
    """A story file as text, or the finding that says why it cannot be read."""
    try:
        return read_source(path), None
    except SourceProblem as e:
        message = e.message + (": delete it" if e.kind == "control" else "")
        return None, finding(where, e.line, "S001", message)


@dataclass(slots=True)
class _Raw:
    """A story as cut from its file, before its metadata is validated."""

    line: int
    heading: str | None = None
    heading_line: int = 0
    meta: dict[str, Entry] | None = field(default_factory=dict)
    """None when the metadata block is malformed (already reported)."""
    meta_lines: tuple[int, int] = (0, 0)
    """First and last line of the metadata block, to find where list items sit."""
    sections: list[tuple[Part | None, int, list[str]]] = field(default_factory=list)
    """Each `## ` heading: its part (None when unknown or repeated), line and body lines."""
    stray_reported: bool = False
    orphan: bool = False
    """Text before any story: reported once, never a story."""
    end: int = 0


def read_file(path: Path, example: bool = False) -> tuple[list[Story], list[Finding]]:
    """Parse one file into its stories."""
    where = display_path(path)
    text, problem = read_text(path, where)
    if text is None:
        return [], [problem] if problem else []
    lines = text.split("\n")
    if not text.strip():
        return [], [finding(where, 1, "S002", "file is empty: write a story (docs/STORIES.md)")]
    raws, findings = _cut(lines, where)
    stories = []
    for raw in raws:
        story = _story(raw, lines, where, findings)
        if story is not None:
            story.example = example
            stories.append(story)
    return stories, findings


def _meta_block(
    lines: list[str], start: int, where: str, findings: list[Finding]
) -> tuple[dict[str, Entry] | None, int]:
    """Parse a `---` block opening at 0-based `start`: its entries (None if unusable), its end."""
    for end in range(start + 1, len(lines)):
        if lines[end].rstrip() == "---":
            break
    else:
        findings.append(
            finding(where, start + 1, "S001", "the `---` block is never closed with `---`")
        )
        return None, len(lines)
    try:
        return load_mapping("\n".join(lines[start + 1 : end]), start + 2), end
    except YamlProblem as e:
        findings.append(finding(where, e.line, "S001", e.message))
        return None, end


def _cut(lines: list[str], where: str) -> tuple[list[_Raw], list[Finding]]:
    """Split a file into raw stories at front matter and `# ` headings, sections at `## `."""
    findings: list[Finding] = []
    raws: list[_Raw] = []
    current: _Raw | None = None
    fence: str | None = None
    expect_meta = False
    i = 0
    if lines and lines[0].rstrip() == "---":
        current = _Raw(line=1)
        current.meta, i = _meta_block(lines, 0, where, findings)
        current.meta_lines = (1, i + 1)
        raws.append(current)
        expect_meta = False
        i += 1
    while i < len(lines):
        line = lines[i]
        number = i + 1
        stripped = line.lstrip(" ")
        indented = len(line) - len(stripped) > 3
        if not indented and stripped[:3] in ("```", "~~~"):
            marker = stripped[: len(stripped) - len(stripped.lstrip(stripped[0]))]
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
        elif fence is None and not indented:
            h1 = _H1_RE.match(line)
            h2 = _H2_RE.match(line) if h1 is None else None
            if h1 is not None:
                under_front_matter = (
                    current is not None
                    and current.heading is None
                    and "title" not in (current.meta or {})
                    and not current.sections
                )
                if current is not None and under_front_matter:
                    current.heading, current.heading_line = h1.group(1), number
                else:
                    current = _Raw(line=number, heading=h1.group(1), heading_line=number)
                    raws.append(current)
                    expect_meta = True
                i += 1
                continue
            if expect_meta and line.rstrip() == "---" and current is not None:
                current.meta, end = _meta_block(lines, i, where, findings)
                current.meta_lines = (number, end + 1)
                expect_meta = False
                i = end + 1
                continue
            if h2 is not None and current is not None:
                name = (h2.group(1) or "").strip().rstrip(":").strip()
                part = _SECTION_NAMES.get(name.lower())
                earlier = next((n for p, n, _ in current.sections if p is part), None)
                if part is None:
                    findings.append(
                        finding(
                            where,
                            number,
                            "S002",
                            f"unknown section `## {name}`: a story has `## Situation`, "
                            "`## Task`, `## Action`, `## Result` and optionally `## Learning`",
                        )
                    )
                elif earlier is not None:
                    findings.append(
                        finding(
                            where,
                            number,
                            "S002",
                            f"`## {part}` is given twice in one story (first on line {earlier})",
                        )
                    )
                    part = None
                # An unknown or repeated section still collects its lines, so they stay out
                # of the section before it.
                current.sections.append((part, number, []))
                expect_meta = False
                i += 1
                continue
        if line.strip():
            expect_meta = False
            if current is None:
                findings.append(
                    finding(
                        where,
                        number,
                        "S002",
                        "text before the first story: start a story with `# Title` "
                        "or front matter (docs/STORIES.md)",
                    )
                )
                current = _Raw(line=number, stray_reported=True, orphan=True)
                raws.append(current)
            elif not current.sections and not current.stray_reported:
                findings.append(
                    finding(
                        where,
                        number,
                        "S002",
                        "text outside a section: put it under `## Situation`, `## Task`, "
                        "`## Action`, `## Result` or `## Learning`",
                    )
                )
                current.stray_reported = True
        if current is not None and current.sections:
            current.sections[-1][2].append(line)
        i += 1
    for raw, following in zip(raws, [*raws[1:], None], strict=True):
        raw.end = (following.line - 1) if following else len(lines)
    return [r for r in raws if not r.orphan], findings


def _story(raw: _Raw, lines: list[str], where: str, findings: list[Finding]) -> Story | None:
    """Validate a raw story's metadata and build the story."""
    ok = raw.meta is not None
    meta = raw.meta or {}
    # With malformed metadata every key would look missing: one error for the block is enough.
    required = raw.meta is not None

    def bad(line: int, message: str) -> None:
        nonlocal ok
        findings.append(finding(where, line, "S001", message))
        ok = False

    for key, item in meta.items():
        if key not in KEYS:
            bad(item.line, f"unknown key `{key}`; expected one of: {', '.join(KEYS)}")

    start = raw.heading_line or raw.line
    title = raw.heading.strip() if raw.heading is not None else None
    entry: Entry | None = meta.get("title")
    if entry is not None:
        if not isinstance(entry.value, str) or not entry.value.strip():
            bad(entry.line, "`title` must be the story's title as text")
            title = ""  # reported: not "no title" again
        elif title is not None and entry.value.strip() != title:
            bad(entry.line, f"title given twice (`# {title}` and `title:`): keep one")
        else:
            title = entry.value.strip()
            start = raw.heading_line or entry.line
    if title is None and required:
        bad(start, "the story has no title: add `title:` or a `# Title` line")

    story_id = slugify(title) if title else ""
    explicit = False
    entry = meta.get("id")
    if entry is not None:
        text = entry.raw.strip() if entry.raw is not None else ""
        if not STORY_ID_RE.match(text):
            bad(entry.line, "`id` must be lowercase letters, digits and `-` (at most 64)")
        else:
            story_id, explicit = text, True

    when: When | None = None
    entry = meta.get("when")
    if entry is None and required:
        bad(start, "the story says not when it happened: add `when: 2021` or `when: 2021-03`")
    elif entry is not None:
        m = WHEN_RE.match(entry.raw.strip() if entry.raw is not None else "")
        month = int(m.group(2)) if m and m.group(2) else None
        if m is None or (month is not None and not 1 <= month <= 12):
            bad(entry.line, "`when` must be a year or a year and month, such as 2021 or 2021-03")
        else:
            when = When(int(m.group(1)), month, entry.line)

    principles: list[str] = []
    unknown: list[tuple[str, int]] = []
    entry = meta.get("principles")
    if entry is not None:
        names = [entry.value] if isinstance(entry.value, str) else entry.value
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            bad(entry.line, "`principles` must be a list of Leadership Principle names")
            names = []
        for name in names:
            principle = resolve(name)
            if principle is None:
                unknown.append((name, _item_line(lines, raw.meta_lines, entry.line, name)))
            elif principle.name not in principles:
                principles.append(principle.name)

    sections: dict[Part, Section] = {}
    for part, line, body in raw.sections:
        if part is None:
            continue  # an unknown or repeated heading, already reported
        while body and not body[-1].strip():
            body.pop()
        sections[part] = Section(part, line, "\n".join(body), line + 1)
    if not ok or title is None:
        return None
    return Story(
        id=story_id,
        explicit_id=explicit,
        title=title,
        path=where,
        line=start,
        when=when,
        principles=tuple(principles),
        unknown_principles=tuple(unknown),
        sections=sections,
        source="\n".join(lines[raw.line - 1 : raw.end]).rstrip(),
    )


def _item_line(lines: list[str], block: tuple[int, int], key_line: int, name: str) -> int:
    """The line of a list item in a metadata block (YAML gives only the key's line)."""
    first, last = block
    for number in range(max(key_line, first), min(last, len(lines)) + 1):
        if name in lines[number - 1]:
            return number
    return key_line


def _duplicate_ids(stories: list[Story]) -> list[Finding]:
    """Two stories with one id would share notes in the deck: report the later one."""
    seen: dict[str, Story] = {}
    findings = []
    for story in stories:
        first = seen.setdefault(story.id, story)
        if first is not story:
            how = "" if story.explicit_id else " (derived from the title: add `id:`)"
            findings.append(
                finding(
                    story.path,
                    story.line,
                    "S003",
                    f"story id `{story.id}`{how} is also used by {first.location}",
                )
            )
    return findings
