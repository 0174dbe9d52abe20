"""Markdown to Anki field HTML: one parser, static code highlighting, math, sanitizing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES, _TokenType
from pygments.util import ClassNotFound

from builder import cloze

ALLOWED_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
        "var",
    ]
)
ALLOWED_ATTRIBUTES = {
    "*": {"class", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"style", "colspan", "rowspan"},
    "th": {"style", "colspan", "rowspan"},
    "ol": {"start"},
}


def _render_fence(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    """Render fenced code as statically highlighted HTML."""
    token = tokens[idx]
    lang = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
    return highlight(token.content, lang)


def _render_code_block(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    """Render indented code like an unlabelled fence."""
    return highlight(tokens[idx].content, "")


def _render_math_inline(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    """Hand `$…$` to Anki's MathJax as `\\(…\\)`."""
    return "\\(" + escapeHtml(tokens[idx].content) + "\\)"


def _render_math_display(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    """Hand `$$…$$` to Anki's MathJax as `\\[…\\]`."""
    body = "\\[" + escapeHtml(tokens[idx].content.strip("\n")) + "\\]"
    return f'<div class="math">{body}</div>\n' if tokens[idx].block else body


def make_markdown() -> MarkdownIt:
    """The one parser the builder uses: CommonMark, tables, strikethrough, math."""
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    dollarmath_plugin(
        md, allow_labels=False, allow_space=False, allow_digits=False, double_inline=True
    )
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("code_block", _render_code_block)
    md.add_render_rule("math_inline", _render_math_inline)
    md.add_render_rule("math_inline_double", _render_math_display)
    md.add_render_rule("math_block", _render_math_display)
    return md


@cache
def lexer_for(lang: str) -> Lexer | None:
    """One lexer per language for the whole run; None when Pygments has no such language."""
    try:
        return get_lexer_by_name(lang, stripnl=False, ensurenl=False, stripall=False)
    except ClassNotFound:
        return None


def known_language(lang: str) -> bool:
    """Whether a fence language can be highlighted (empty means plain text)."""
    return not lang or lexer_for(lang.lower()) is not None


@cache
def _css_class(ttype: _TokenType) -> str:
    """Pygments' short class for a token type, walking up to the nearest known parent."""
    current: _TokenType | None = ttype
    while current is not None and current not in STANDARD_TYPES:
        current = current.parent
    return STANDARD_TYPES.get(current, "") if current is not None else ""


def _span(cls: str, text: str) -> str:
    return f'<span class="{cls}">{escapeHtml(text)}</span>' if cls else escapeHtml(text)


def highlight(code: str, lang: str) -> str:
    """Highlight code into static HTML, keeping cloze markers between whole spans.

    Markers are taken out before lexing so the lexer sees the real code, then put
    back at their offsets, splitting a token where a cloze starts or ends inside
    it: every cloze then wraps whole elements and Anki can hide it cleanly.
    """
    plain, markers = cloze.strip_markers(code)
    lexer = lexer_for(lang.lower()) if lang else None
    pieces: Iterable[tuple[Any, str]]
    pieces = lexer.get_tokens(plain) if lexer is not None else [(None, plain)]
    out: list[str] = ['<pre class="hl"><code>']
    pos = 0
    mi = 0
    n = len(markers)
    for ttype, value in pieces:
        cls = _css_class(ttype) if ttype is not None else ""
        end = pos + len(value)
        start = pos
        while mi < n and markers[mi][0] < end:
            cut = markers[mi][0]
            if cut > start:
                out.append(_span(cls, value[start - pos : cut - pos]))
            out.append(markers[mi][1])
            mi += 1
            start = cut
        if end > start:
            out.append(_span(cls, value[start - pos :]))
        pos = end
    out.extend(marker for _, marker in markers[mi:])
    out.append("</code></pre>\n")
    return "".join(out)


def sanitize(html: str) -> str:
    """Keep only allowlisted markup: no scripts, event handlers or `javascript:` URLs."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        filter_style_properties={"text-align"},
    )


def protect(html: str) -> str:
    """Write `{{`, `}}` and `::` as entities so Anki's cloze parser sees only our clozes."""
    if "{{" in html:
        html = html.replace("{{", "&#123;&#123;")
    if "}}" in html:
        html = html.replace("}}", "&#125;&#125;")
    if "::" in html:
        html = html.replace("::", "&#58;&#58;")
    return html


def finish(html: str, *, raw_html: bool, clozes: list[cloze.Cloze]) -> str:
    """Turn rendered Markdown into final field HTML."""
    if raw_html:
        html = sanitize(html)
    html = protect(html).strip()
    if not clozes:
        return html
    # Anki ends a cloze at the first `}}`: a `}` just before our close would end it early.
    return cloze.restore(html.replace("}" + cloze.CLOSE, "&#125;" + cloze.CLOSE), clozes)


def pygments_css(style: str, prefixes: list[str]) -> str:
    """CSS for highlighted code in one Pygments style, scoped under `prefixes`."""
    from pygments.formatters import HtmlFormatter

    formatter: Any = HtmlFormatter(style=style)
    return str(formatter.get_style_defs(prefixes))
