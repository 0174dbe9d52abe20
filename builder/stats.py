"""`decks stats`: notes and cards per package, deck, note type and tag, as Anki will count them."""

from __future__ import annotations

from collections import Counter
from typing import Any

from builder.model import Note, NoteKind, Package

SEP = "::"


def card_count(note: Note) -> int:
    """Cards a note makes: one per cloze number, or one for a basic note."""
    return len(note.cloze_numbers) if note.kind is NoteKind.CLOZE else 1


def _counts(notes: list[Note]) -> dict[str, int]:
    basic = [n for n in notes if n.kind is NoteKind.BASIC]
    cloze = [n for n in notes if n.kind is NoteKind.CLOZE]
    return {
        "notes": len(notes),
        "cards": sum(card_count(n) for n in notes),
        "basic_notes": len(basic),
        "basic_cards": len(basic),
        "cloze_notes": len(cloze),
        "cloze_cards": sum(card_count(n) for n in cloze),
    }


def package_stats(package: Package) -> dict[str, Any]:
    """One package's counts; deck names are full Anki names, root deck first."""
    root = package.meta.title
    notes = package.notes
    retired = [n for n in notes if n.retired]
    deck_names = {root}
    for path in [d.path for d in package.decks] + [n.deck for n in notes]:
        for depth in range(1, len(path) + 1):
            deck_names.add(SEP.join((root, *path[:depth])))
    own: dict[str, list[Note]] = {name: [] for name in deck_names}
    for note in notes:
        own[SEP.join((root, *note.deck))].append(note)
    decks = []
    for name in sorted(deck_names):
        below = [n for other, ns in own.items() if other.startswith(name + SEP) for n in ns]
        decks.append(
            {
                "deck": name,
                **_counts(own[name]),
                "notes_with_subdecks": len(own[name]) + len(below),
                "cards_with_subdecks": sum(card_count(n) for n in own[name] + below),
            }
        )
    tag_notes: Counter[str] = Counter()
    tag_cards: Counter[str] = Counter()
    for note in notes:
        for tag in set(note.tags):
            tag_notes[tag] += 1
            tag_cards[tag] += card_count(note)
    tags = []
    for tag in sorted(tag_notes):
        # Anki's `tag:x` also finds `x::child`: count those the way its search does.
        under = [n for n in notes if any(t == tag or t.startswith(tag + SEP) for t in n.tags)]
        tags.append(
            {
                "tag": tag,
                "notes": tag_notes[tag],
                "cards": tag_cards[tag],
                "notes_with_children": len(under),
                "cards_with_children": sum(card_count(n) for n in under),
            }
        )
    return {
        "package": package.name,
        "id": package.meta.id,
        "title": root,
        "version": package.meta.version,
        **_counts(notes),
        "retired_notes": len(retired),
        "retired_cards": sum(card_count(n) for n in retired),
        "study_cards": sum(card_count(n) for n in notes if not n.retired),
        "decks": decks,
        "tags": tags,
    }


def stats(packages: list[Package]) -> dict[str, Any]:
    """Counts for every package and their sum."""
    per_package = [package_stats(p) for p in packages]
    keys = ("notes", "cards", "basic_notes", "basic_cards", "cloze_notes", "cloze_cards")
    totals = {k: sum(p[k] for p in per_package) for k in (*keys, "retired_cards", "study_cards")}
    return {"packages": per_package, "totals": totals}


def _table(rows: list[list[str]], right_from: int) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i >= right_from else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        out.append("  " + "  ".join(cells).rstrip())
    return out


def render_text(data: dict[str, Any], *, quiet: bool = False, verbose: bool = False) -> str:
    """The stats as aligned tables; `quiet` keeps only each package's totals line."""
    lines: list[str] = []
    for p in data["packages"]:
        lines.append(
            f"{p['package']} ({p['title']} {p['version']}): {p['notes']} notes, "
            f"{p['cards']} cards ({p['basic_cards']} basic, {p['cloze_cards']} cloze"
            + (f", {p['retired_cards']} retired" if p["retired_cards"] else "")
            + f"); a candidate studies {p['study_cards']} cards"
        )
        if quiet:
            continue
        header = ["deck", "notes", "cards", "basic", "cloze"]
        if verbose:
            header += ["notes+sub", "cards+sub"]
        rows = [header]
        for d in p["decks"]:
            row = [d["deck"], *(str(d[k]) for k in ("notes", "cards", "basic_notes"))]
            row.append(str(d["cloze_notes"]))
            if verbose:
                row += [str(d["notes_with_subdecks"]), str(d["cards_with_subdecks"])]
            rows.append(row)
        lines += ["", *_table(rows, 1), ""]
        rows = [["tag", "notes", "cards"] + (["notes+sub", "cards+sub"] if verbose else [])]
        for t in p["tags"]:
            row = [t["tag"], str(t["notes"]), str(t["cards"])]
            if verbose:
                row += [str(t["notes_with_children"]), str(t["cards_with_children"])]
            rows.append(row)
        if len(rows) > 1:
            lines += [*_table(rows, 1), ""]
    if len(data["packages"]) > 1:
        t = data["totals"]
        lines.append(
            f"all packages: {t['notes']} notes, {t['cards']} cards; "
            f"a candidate studies {t['study_cards']} cards"
        )
    return "\n".join(lines).rstrip() + "\n"
