"""`decks preview`: a static HTML site showing every card as Anki would show it.

There is no second renderer: each card is the package's own fields
(`package.note_fields`) put through the note types' own templates and CSS
(`notetypes`) by `cards`, which renders as Anki's template engine does.
"""

from __future__ import annotations

import html
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template

from builder import notetypes
from builder.build import load
from builder.cards import cards_of
from builder.errors import Diagnostic, OutputError, SourceErrors
from builder.model import NoteKind, Package
from builder.package import context_label
from builder.parse import display_path
from builder.progress import Progress

INDEX = "index.html"
STAMP = ".decks-preview"  # marks a folder as a preview, so a later run may replace it whole
TITLE = "Deck preview"


def _template(name: str) -> str:
    return files("builder").joinpath("templates", name).read_text(encoding="utf-8")


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def _options(values: list[str]) -> str:
    labels = [html.escape(context_label(tuple(v.split("::")))) for v in values]
    return "\n".join(
        f'    <option value="{_attr(v)}">{label}</option>'
        for v, label in zip(values, labels, strict=True)
    )


def _card_articles(packages: list[Package]) -> Iterator[str]:
    for package in packages:
        root = package.meta.title
        for note in package.notes:
            deck = "::".join((root, *note.deck))
            cards = cards_of(note)
            for card in cards:
                kind = "cloze" if note.kind is NoteKind.CLOZE else "basic"
                which = f"cloze {card.ordinal} ({len(cards)} cards)" if kind == "cloze" else "basic"
                tags = " ".join(note.tags)
                meta = [
                    html.escape(context_label((root, *note.deck))),
                    which,
                    html.escape(str(note.location)),
                ]
                if tags:
                    meta.append(html.escape(tags))
                spans = "".join(f"<span>{m}</span>" for m in meta)
                yield (
                    f'<article class="pv-card" tabindex="0" data-deck="{_attr(deck)}" '
                    f'data-tags="{_attr(tags)}" data-kind="{kind}" '
                    f'data-note="{_attr(note.id)}" data-card="{card.ordinal}" '
                    f'data-source="{_attr(str(note.location))}">\n'
                    f'<div class="pv-meta">{spans}</div>\n'
                    '<div class="pv-side pv-front"><div class="pv-side-label">Front</div>'
                    f'<div class="card">{card.question}</div></div>\n'
                    '<div class="pv-side pv-back" hidden><div class="pv-side-label">Back</div>'
                    f'<div class="card">{card.answer}</div></div>\n'
                    "</article>"
                )


def page(packages: list[Package]) -> tuple[str, int]:
    """The preview page and how many cards it shows."""
    articles = list(_card_articles(packages))
    decks: set[str] = set()
    tags: set[str] = set()
    for package in packages:
        root = (package.meta.title,)
        paths = [d.path for d in package.decks] + [n.deck for n in package.notes]
        for path in [(), *paths]:
            full = root + path
            decks.update("::".join(full[:k]) for k in range(1, len(full) + 1))
        for note in package.notes:
            for tag in note.tags:
                parts = tag.split("::")
                tags.update("::".join(parts[:k]) for k in range(1, len(parts) + 1))
    text = Template(_template("preview.html")).substitute(
        title=html.escape(TITLE),
        card_css=notetypes.css(),
        preview_css=_template("preview.css"),
        preview_js=_template("preview.js"),
        deck_options=_options(sorted(decks)),
        tag_options=_options(sorted(tags)),
        total=len(articles),
        cards="\n".join(articles),
    )
    return text, len(articles)


@dataclass(frozen=True, slots=True)
class PreviewResult:
    """What a preview build wrote."""

    index: Path
    cards: int
    notes: int
    findings: list[Diagnostic]
    per_package: list[tuple[str, int, int]]
    """(package, notes, cards) of each package shown."""


def build_preview(
    decks_dir: Path,
    out_dir: Path,
    names: tuple[str, ...] = (),
    jobs: int | None = None,
    progress: Progress | None = None,
) -> PreviewResult:
    """Write the preview site to `out_dir`, replacing what was there only on success."""
    if out_dir.exists() and not (out_dir / STAMP).is_file():
        # The whole folder is replaced: never take a folder that is not a preview of ours.
        raise OutputError(
            f"{display_path(out_dir)} exists and is not a preview written by `decks preview`; "
            "choose another --out"
        )
    packages, findings = load(decks_dir, names, jobs, progress)
    text, count = page(packages)
    parent = out_dir.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".decks-preview-", dir=parent))
    except OSError as e:
        raise OutputError(f"cannot write next to {display_path(out_dir)}: {e.strerror}") from e
    old = None
    try:
        (scratch / INDEX).write_text(text, encoding="utf-8")
        (scratch / STAMP).write_text("written by `decks preview`; replaced on each run\n")
        for package in packages:
            for media in package.media.values():
                shutil.copyfile(media.source, scratch / media.name)
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=".decks-preview-old-", dir=parent))
            os.replace(out_dir, old / "site")
        os.replace(scratch, out_dir)
    except OSError as e:
        if old is not None and not out_dir.exists():
            os.replace(old / "site", out_dir)  # put the previous preview back
        shutil.rmtree(scratch, ignore_errors=True)
        raise OutputError(f"cannot write {display_path(out_dir)}: {e.strerror or e}") from e
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    per_package = [(p.name, len(p.notes), sum(len(cards_of(n)) for n in p.notes)) for p in packages]
    notes = sum(len(p.notes) for p in packages)
    return PreviewResult(out_dir / INDEX, count, notes, findings, per_package)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Modification time and size of every file under `folder`, to notice a save."""
    found: dict[str, tuple[int, int]] = {}
    for path in sorted(folder.rglob("*")):
        try:
            stat = path.stat()
        except OSError:
            continue  # removed while we looked: the next poll sees it gone
        if path.is_file():
            found[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return found


def watch(
    decks_dir: Path,
    rebuild: Callable[[], None],
    *,
    interval: float = 0.5,
    stop: Callable[[], bool] = lambda: False,
) -> None:
    """Call `rebuild` whenever a file under `decks_dir` changes, by polling; until `stop()`."""
    seen = snapshot(decks_dir) if decks_dir.is_dir() else {}
    while not stop():
        time.sleep(interval)
        now = snapshot(decks_dir) if decks_dir.is_dir() else {}
        if now != seen:
            seen = now
            rebuild()


def preview_or_errors(
    decks_dir: Path, out_dir: Path, names: tuple[str, ...], jobs: int | None
) -> PreviewResult | SourceErrors:
    """One rebuild for `--watch`: a broken save reports its errors and keeps watching."""
    try:
        return build_preview(decks_dir, out_dir, names, jobs)
    except SourceErrors as e:
        return e
