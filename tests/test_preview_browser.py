"""The preview in a real headless Chromium: it loads, counts every card, flips, filters, night mode.

Without a browser this test fails and says how to install one; only
DECKS_NO_BROWSER=1 skips it, on purpose.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Browser, find_chromium
from conftest import REPO

from builder.build import load
from builder.cards import cards_of, visible_text
from builder.cli import main
from builder.model import Package

CLOZE = '.pv-card[data-note="ex-cloze-numbering"][data-card="1"]'
BASIC = '.pv-card[data-note="ex-code-review"]'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Package]]:
    out = tmp_path_factory.mktemp("preview") / "site"
    main(["preview", "--quiet", "--decks-dir", str(REPO / "decks"), "--out", str(out)])
    packages, _ = load(REPO / "decks")
    return out / "index.html", packages


@pytest.fixture(scope="module")
def page(
    site: tuple[Path, list[Package]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    browser = Browser(find_chromium(), tmp_path_factory.mktemp("chromium-profile"))
    try:
        browser.open(site[0].as_uri())
        yield browser
    finally:
        browser.close()


def _shown(page: Browser, selector: str) -> bool:
    return bool(
        page.eval(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " return !!e && getComputedStyle(e).display !== 'none' && e.offsetParent !== null; })()"
        )
    )


def _visible_cards(page: Browser) -> int:
    return int(
        page.eval("[...document.querySelectorAll('.pv-card')].filter(c => !c.hidden).length")
    )


def _count_text(page: Browser) -> str:
    return str(page.eval("document.getElementById('pv-count').textContent"))


def test_page_loads_with_every_card(page: Browser, site: tuple[Path, list[Package]]) -> None:
    _, packages = site
    expected = sum(len(cards_of(n)) for p in packages for n in p.notes)
    assert expected > 600
    assert page.eval("document.title") == "Deck preview"
    assert page.eval("document.querySelectorAll('.pv-card').length") == expected
    assert _visible_cards(page) == expected
    assert _count_text(page) == f"{expected} of {expected} cards"
    assert page.errors() == []


def test_a_cloze_card_flips(page: Browser, tmp_path: Path) -> None:
    front, back = f"{CLOZE} .pv-front", f"{CLOZE} .pv-back"
    assert _shown(page, front) and not _shown(page, back)
    assert page.eval(f"document.querySelector('{front} .cloze').textContent") == "[...]"
    page.click(CLOZE)
    assert _shown(page, back) and not _shown(page, front)
    answer = page.eval(f"document.querySelector('{back} .cloze').textContent")
    assert answer == "Information disclosure"
    page.screenshot(tmp_path / "flipped.png")
    assert (tmp_path / "flipped.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page.click(CLOZE)
    assert _shown(page, front) and not _shown(page, back)


def test_a_basic_card_flips_to_its_answer(page: Browser) -> None:
    page.click(BASIC)
    text = page.eval(f"document.querySelector('{BASIC} .pv-back').innerText")
    assert "hmac.compare_digest(token, expected)" in text
    assert _shown(page, f"{BASIC} .pv-back")
    page.click(BASIC)


def test_search_box_filters_cards(page: Browser, site: tuple[Path, list[Package]]) -> None:
    _, packages = site
    total = sum(len(cards_of(n)) for p in packages for n in p.notes)
    expected = sum(
        1
        for p in packages
        for n in p.notes
        for c in cards_of(n)
        if "compare_digest" in (visible_text(c.question) + visible_text(c.answer))
    )
    page.type("#pv-search", "compare_digest")
    assert 0 < _visible_cards(page) == expected < total
    assert _count_text(page) == f"{expected} of {total} cards"
    page.eval("document.getElementById('pv-search').value = ''")
    page.eval("document.getElementById('pv-search').dispatchEvent(new Event('input'))")
    assert _visible_cards(page) == total


def _choose(page: Browser, select: str, value: str) -> None:
    page.eval(
        f"(s => {{ s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change')); }})"
        f"(document.getElementById({json.dumps(select)}))"
    )


def test_deck_and_tag_filters(page: Browser, site: tuple[Path, list[Package]]) -> None:
    _, packages = site
    example = next(p for p in packages if p.name == "example")
    formats = sum(len(cards_of(n)) for n in example.notes if n.deck[:1] == ("Formats",))
    _choose(page, "pv-deck", "Example Deck::Formats")  # a parent deck takes its subdecks
    assert _visible_cards(page) == formats == 15
    _choose(page, "pv-tag", "code-review")
    both = sum(
        len(cards_of(n))
        for n in example.notes
        if n.deck[:1] == ("Formats",) and "code-review" in n.tags
    )
    assert _visible_cards(page) == both == 3
    _choose(page, "pv-deck", "")
    _choose(page, "pv-tag", "format")  # a tag takes its `format::…` children
    tagged = sum(
        len(cards_of(n))
        for p in packages
        for n in p.notes
        if any(t == "format" or t.startswith("format::") for t in n.tags)
    )
    assert 15 < _visible_cards(page) == tagged
    _choose(page, "pv-tag", "")


def test_night_mode_toggle(page: Browser, tmp_path: Path) -> None:
    card = f"{CLOZE} .pv-front .card"
    background = f"getComputedStyle(document.querySelector('{card}')).backgroundColor"
    assert page.eval(background) == "rgb(255, 255, 255)"
    page.click("#pv-night")
    assert page.eval("document.body.classList.contains('nightMode')") is True
    assert page.eval(background) == "rgb(28, 28, 30)"  # the note type's own night palette
    page.screenshot(tmp_path / "night.png")
    page.click("#pv-night")
    assert page.eval(background) == "rgb(255, 255, 255)"
    assert page.errors() == []


def test_without_a_browser_the_test_fails_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no browser on it
    monkeypatch.delenv("DECKS_CHROMIUM", raising=False)
    monkeypatch.delenv("DECKS_NO_BROWSER", raising=False)
    with pytest.raises(pytest.fail.Exception) as failed:
        find_chromium()
    assert "no Chromium" in str(failed.value) and "apt-get install chromium" in str(failed.value)
    monkeypatch.setenv("DECKS_NO_BROWSER", "1")
    with pytest.raises(pytest.skip.Exception) as skipped:
        find_chromium()
    assert "DECKS_NO_BROWSER=1" in str(skipped.value)
