"""`decks preview`: the same rendering as Anki, the site it writes, `--open` and `--watch`."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from anki.collection import Collection
from conftest import FIXTURES, REPO, fresh_env, import_apkg, package_yaml, write_files

from builder.build import build, load
from builder.cards import cards_of, encode_attribute, field_is_empty, reveal_clozes
from builder.cli import main

# Every corner of Anki's template and cloze rules the builder can produce.
RENDER_EDGES = """\
# Edges

## Basic with a front extra {#front-extra}

```python
print("x")
```

---

Prints `x`.

## Hints, several cards per span, several spans per card {#hints}

{{c1::Paris::a city}} and {{c2,3::Lyon}}; {{c3::Nice}} & "quotes" <b>bold</b>.

## Clozes in math, code and fences {#math-code}

$E = {{c1::mc^2}}$ and $$\\sum_{{c2::i}}$$ and `{{c3::std::map}}`.

```python
{{c4::hmac.compare_digest}}(a, b)
```

## Cloze with an extra {#extra}

{{c1::Spoofing}} breaks authentication.

---

From STRIDE (Microsoft, 1999).

## Literal braces and colons {#literal}

Write \\{{c1::x}} to show braces, and a::b stays text; {{c1::shown}}.

## Accents and symbols in a cloze {#accents}

{{c1::Zoë's café — 5 € ≥ 4 £}} is hidden.
"""


def _compare_with_anki(decks: Path, out: Path, col: Collection) -> int:
    """Render every card ourselves and in Anki; return how many were compared."""
    compared = 0
    written, _ = build(decks, out)
    packages, _ = load(decks)
    for apkg in written:
        import_apkg(col, apkg)
    for package in packages:
        for note in package.notes:
            (nid,) = col.find_notes(f'"Id:{note.id}" "deck:{package.meta.title}*"')
            theirs = {c.ord + 1: c.render_output() for c in col.get_note(nid).cards()}
            ours = cards_of(note)
            assert sorted(theirs) == [c.ordinal for c in ours], note.location
            for card in ours:
                assert card.question == theirs[card.ordinal].question_text, note.location
                assert card.answer == theirs[card.ordinal].answer_text, note.location
                compared += 1
    return compared


def test_every_shipped_card_renders_as_anki_renders_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection, epoch: int
) -> None:
    monkeypatch.chdir(REPO)
    assert _compare_with_anki(Path("decks"), tmp_path / "dist", collection) > 600


def test_edge_cases_render_as_anki_renders_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Collection, epoch: int
) -> None:
    write_files(
        tmp_path, {"decks/e/package.yaml": package_yaml("e", "E"), "decks/e/d.md": RENDER_EDGES}
    )
    monkeypatch.chdir(tmp_path)
    assert _compare_with_anki(Path("decks"), tmp_path / "dist", collection) == 11
    monkeypatch.chdir(FIXTURES / "good" / "edge-cases")
    assert _compare_with_anki(Path("decks"), tmp_path / "dist-edge", collection) > 5


def test_cloze_filter_units() -> None:
    text = "{{c1::a::hint}} {{c2::b}} {{c1,2::c}}"
    assert reveal_clozes(text, 3, question=True) == ""  # Anki: no such card, empty side
    assert reveal_clozes(text, 2, question=False) == (
        '<span class="cloze-inactive" data-ordinal="1">a</span> '
        '<span class="cloze" data-ordinal="2">b</span> '
        '<span class="cloze" data-ordinal="1,2">c</span>'
    )
    assert 'data-cloze="a&#x20;&lt;b&gt;"' in reveal_clozes("{{c1::a <b>}}", 1, question=True)
    assert encode_attribute("Zoë's {x}") == "Zo&#xEB;&#x27;s&#x20;&#x7B;x&#x7D;"
    assert field_is_empty(" <br> <div></div>\n") and not field_is_empty("<p>x</p>")


def test_page_has_every_card_and_the_package_css(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    out = tmp_path / "site"
    main(["preview", "--out", str(out)])
    text = (out / "index.html").read_text(encoding="utf-8")
    packages, _ = load(Path("decks"))
    cards = sum(len(cards_of(n)) for p in packages for n in p.notes)
    assert text.count('<article class="pv-card"') == cards
    assert f"{cards} of {cards} cards" in text
    assert ".nightMode .cloze, .night_mode .cloze" in text  # the note types' own CSS
    assert '<option value="Example Deck::Formats::Clozes">' in text
    assert '<option value="format">' in text and '<option value="format::cloze">' in text
    media = {m.name for p in packages for m in p.media.values()}
    assert media and all((out / name).read_bytes() for name in media)
    assert "<script src" not in text and "<link" not in text  # nothing loads from the network
    assert capsys.readouterr().out.startswith(f"wrote {out}/index.html ({cards} cards")


def test_failed_preview_keeps_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(tmp_path, {"decks/p/package.yaml": package_yaml("p"), "decks/p/d.md": "# D\n"})
    (tmp_path / "dist" / "preview").mkdir(parents=True)
    (tmp_path / "dist" / "preview" / "index.html").write_text("old")
    (tmp_path / "dist" / "preview" / ".decks-preview").write_text("an earlier preview")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["preview"])
    assert exit_info.value.code == 1
    assert "decks/p/d.md:1: the file has no notes" in capsys.readouterr().err
    assert (tmp_path / "dist" / "preview" / "index.html").read_text() == "old"
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == ["preview"]


@pytest.mark.parametrize("out", ["dist", "decks/p"])
def test_preview_never_replaces_a_folder_it_did_not_write(
    out: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(
        tmp_path,
        {
            "decks/p/package.yaml": package_yaml("p"),
            "decks/p/d.md": "# D\n\n## Q {#q}\n\nA.\n",
            "dist/p.apkg": b"a release",
        },
    )
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["preview", "--out", out])
    assert exit_info.value.code == 1
    assert "is not a preview written by `decks preview`" in capsys.readouterr().err
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


def test_open_hands_the_page_to_the_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(
        tmp_path,
        {"decks/p/package.yaml": package_yaml("p"), "decks/p/d.md": "# D\n\n## Q {#q}\n\nA.\n"},
    )
    opened = tmp_path / "opened.txt"
    script = tmp_path / "fake-browser"
    script.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {opened}\n')
    script.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(script))
    monkeypatch.chdir(tmp_path)
    main(["preview", "--open", "-q"])
    assert capsys.readouterr().out == ""
    deadline = time.monotonic() + 10
    while not opened.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert opened.read_text() == (tmp_path / "dist" / "preview" / "index.html").as_uri()


def _wait_for(path: Path, needle: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            text = path.read_text(encoding="utf-8")
            if needle in text:
                return text
        time.sleep(0.05)
    raise AssertionError(f"{path} never showed {needle!r}")


def test_watch_rebuilds_on_save_and_survives_a_broken_save(tmp_path: Path) -> None:
    deck = "# D\n\n## What is first? {#q}\n\nThe first answer.\n"
    write_files(tmp_path, {"decks/p/package.yaml": package_yaml("p"), "decks/p/d.md": deck})
    index = tmp_path / "dist" / "preview" / "index.html"
    process = subprocess.Popen(
        [sys.executable, "-m", "builder", "preview", "--watch", "--interval", "0.1"],
        cwd=tmp_path,
        env=fresh_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(index, "The first answer.")
        source = tmp_path / "decks" / "p" / "d.md"
        source.write_text(deck.replace("first answer", "second answer"))
        _wait_for(index, "The second answer.")
        source.write_text(deck + "\n## Broken {#b}\n\n{{c1::never closed\n")
        time.sleep(0.6)  # six polls: the broken save must not replace the preview
        assert "The second answer." in index.read_text(encoding="utf-8")
        source.write_text(deck.replace("first answer", "third answer"))
        _wait_for(index, "The third answer.")
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    assert "watching decks for changes" in out
    assert out.count("rebuilt dist/preview/index.html (1 cards)") == 2
    assert "decks/p/d.md:9: cloze is not closed" in err
    assert "preview not updated" in err
