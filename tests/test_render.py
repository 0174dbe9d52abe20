"""Rendering: code, math, sanitizing and protection of Anki's cloze syntax."""

from __future__ import annotations

from builder import cloze, render
from builder.parse import MD


def _html(markdown: str, *, raw_html: bool = True) -> str:
    scanned = cloze.scan(markdown)
    html = MD.render(scanned.text)
    return render.finish(html, raw_html=raw_html, clozes=scanned.clozes)


def test_code_is_highlighted_statically() -> None:
    html = _html("```python\nimport os\n```\n")
    assert '<pre class="hl"><code><span class="kn">import</span>' in html
    assert "<script" not in html


def test_cloze_in_code_wraps_whole_spans() -> None:
    html = _html("```python\nx = {{c1::hmac.compare_digest(a, b)}}\n```\n")
    start = html.index("{{c1::")
    end = html.index("}}", start)
    inner = html[start + 6 : end]
    assert inner.count("<span") == inner.count("</span>") > 0
    assert "compare_digest" in inner


def test_math_is_untouched_by_markdown_escaping() -> None:
    html = _html(r"$a_1 * b_2 * c_3$ and $$x^{2}$$")
    assert r"\(a_1 * b_2 * c_3\)" in html
    assert r"\[x^{2}\]" in html


def test_prices_are_not_math() -> None:
    html = _html("It cost $4.45M in 2023 and $4.88M in 2024.")
    assert "\\(" not in html and "$4.45M" in html


def test_scripts_handlers_and_javascript_urls_are_removed() -> None:
    html = _html(
        '<b onclick="steal()">hi</b><script>alert(1)</script>'
        '<a href="javascript:alert(2)">x</a> [y](javascript:alert(3))'
    )
    assert "<b>hi</b>" in html
    for bad in ("onclick", "<script", "alert(1)", 'href="javascript:', "alert(2)"):
        assert bad not in html
    assert "[y](javascript:alert(3))" in html, "a rejected link stays inert text"


def test_literal_braces_and_colons_cannot_form_clozes() -> None:
    html = _html("Use `std::map` and {{ jinja }} here.")
    assert "::" not in html and "{{" not in html and "}}" not in html
    assert "std&#58;&#58;map" in html


def test_table_alignment_survives_sanitizing() -> None:
    html = _html("| a | b |\n|--:|---|\n| 1 | 2 |\n")
    assert 'style="text-align:right"' in html


def test_unknown_language_is_reported_not_guessed() -> None:
    assert not render.known_language("pythn")
    assert render.known_language("python") and render.known_language("")
