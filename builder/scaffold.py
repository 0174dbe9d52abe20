"""`decks new`: a package or a deck file from a template that passes `decks check --strict`."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from string import Template

from builder.errors import BuilderError, Diagnostics
from builder.parse import PACKAGE_FILE, PACKAGE_ID_RE, display_path, read_package, slugify

FIRST_DECK = "basics.md"
_FILE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")


class ScaffoldError(BuilderError):
    """Raised when `decks new` would overwrite something or was given an unusable name."""


def _render(template: str, **values: str) -> str:
    text = files("builder").joinpath("templates", template).read_text(encoding="utf-8")
    return Template(text).substitute(values)


def _create(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as out:  # "x": never overwrite an author's file
            out.write(text)
    except FileExistsError as e:
        raise ScaffoldError(f"{display_path(path)} already exists; nothing was written") from e
    except OSError as e:
        raise ScaffoldError(f"cannot write {display_path(path)}: {e.strerror}") from e


def _title(stem: str) -> str:
    words = re.sub(r"[-_.]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else "Notes"


def new_package(decks_dir: Path, name: str, title: str | None = None) -> list[Path]:
    """Create `decks_dir/<name>/` with a package.yaml and a first deck file."""
    if not PACKAGE_ID_RE.match(name):
        raise ScaffoldError(
            f"package name `{name}` must be lowercase letters, digits and `-` "
            "(it becomes the package id)"
        )
    title = (title or _title(name)).strip()
    if not title or "::" in title:
        raise ScaffoldError("the title must be non-empty and must not contain `::`")
    folder = decks_dir / name
    if folder.exists():
        raise ScaffoldError(f"{display_path(folder)} already exists; nothing was written")
    package_yaml = folder / PACKAGE_FILE
    deck = folder / FIRST_DECK
    _create(package_yaml, _render("package.yaml.tmpl", package_id=name, title=_yaml_text(title)))
    _create(deck, _deck_text("Basics", Path(FIRST_DECK), name))
    return [package_yaml, deck]


def _yaml_text(text: str) -> str:
    """A YAML scalar that reads back as exactly `text`."""
    plain = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 .,()'&/-]*", text) and not text.endswith(" ")
    return text if plain else '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _deck_text(deck: str, file: Path, tag: str, taken: set[str] | None = None) -> str:
    """A deck file's text; prompts name the file, so two new files never ask the same."""
    prefix = slugify(file.stem)
    n = 2
    base = prefix
    while taken and {f"{prefix}-heading", f"{prefix}-cards"} & taken:
        prefix = f"{base}-{n}"
        n += 1
    title = deck.split("::")[-1].strip()
    return _render(
        "deck.md.tmpl",
        deck=_yaml_text(deck),
        tag=slugify(tag),
        title=title,
        prefix=prefix,
        file=file.as_posix(),
    )


def new_deck(decks_dir: Path, package: str, file: str, deck: str | None = None) -> Path:
    """Create a deck file in an existing package; its note ids are free in that package."""
    folder = decks_dir / package
    if not (folder / PACKAGE_FILE).is_file():
        raise ScaffoldError(
            f"no package at {display_path(folder)}: create one with `decks new package {package}`"
        )
    rel = Path(file if file.endswith(".md") else f"{file}.md")
    if rel.is_absolute() or ".." in rel.parts or not all(_FILE_RE.match(p) for p in rel.parts):
        raise ScaffoldError(
            f"deck file `{file}` must be a path inside the package such as "
            "`technical/threat-modeling.md` (letters, digits, `.`, `_`, `-`)"
        )
    deck_name = (deck or _title(rel.stem)).strip()
    if not all(part.strip() for part in deck_name.split("::")):
        raise ScaffoldError(f"deck name `{deck_name}` has an empty part")
    existing = read_package(folder, Diagnostics())
    taken = {n.id for n in existing.notes} if existing else set()
    path = folder / rel
    _create(path, _deck_text(deck_name, rel, rel.stem, taken))
    return path
