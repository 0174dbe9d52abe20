"""The note types: fixed ids, frozen field names, templates and CSS.

Field names and ids are frozen once released: a changed field list leaves
every candidate with a second note type and conflicting notes on the next
import. `tests/test_notetypes.py` snapshots them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from builder.render import pygments_css


@dataclass(frozen=True, slots=True)
class NoteType:
    """A note type as Anki stores it, without genanki."""

    id: int
    name: str
    fields: tuple[str, ...]
    front: str
    back: str
    cloze: bool


BASIC = NoteType(
    id=1607392319,
    name="Markdown Basic",
    fields=("Front", "Back", "Context", "Id"),
    front=('<div class="context">{{Context}}</div>\n<div class="prompt">{{Front}}</div>'),
    back=('{{FrontSide}}\n<hr id="answer">\n<div class="answer">{{Back}}</div>'),
    cloze=False,
)

CLOZE = NoteType(
    id=1607392320,
    name="Markdown Cloze",
    fields=("Title", "Text", "Extra", "Context", "Id"),
    front=(
        '<div class="context">{{Context}}</div>\n'
        '<div class="prompt">{{Title}}</div>\n'
        '<div class="text">{{cloze:Text}}</div>'
    ),
    back=(
        '<div class="context">{{Context}}</div>\n'
        '<div class="prompt">{{Title}}</div>\n'
        '<div class="text">{{cloze:Text}}</div>\n'
        '{{#Extra}}<hr id="answer">\n<div class="extra">{{Extra}}</div>{{/Extra}}'
    ),
    cloze=True,
)

NOTE_TYPES = (BASIC, CLOZE)

# Light and night palettes. Anki desktop and AnkiMobile mark night mode with
# `.nightMode`, AnkiDroid with `.night_mode`; both are covered.
_BASE_CSS = """\
.card {
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 19px;
  line-height: 1.45;
  text-align: left;
  color: #1d1d1f;
  background: #ffffff;
  padding: 0 4px;
  max-width: 42em;
  margin: 0 auto;
  overflow-wrap: anywhere;
}
.context { font-size: 0.7em; color: #6e6e73; letter-spacing: 0.02em; margin-bottom: 0.4em; }
.prompt { font-weight: 600; font-size: 1.05em; }
.prompt p, .answer p:first-child { margin-top: 0.3em; }
.text, .answer, .extra { margin-top: 0.6em; }
.extra { color: #3a3a3c; font-size: 0.92em; }
.cloze { font-weight: 700; color: #0a58ca; }
code { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace; font-size: 0.88em;
  background: #f2f2f5; border-radius: 4px; padding: 0.05em 0.3em; }
pre.hl { background: #f6f8fa; border: 1px solid #e1e4e8; border-radius: 6px; padding: 0.6em 0.8em;
  overflow-x: auto; font-size: 0.82em; line-height: 1.4; white-space: pre; }
pre.hl code { background: none; padding: 0; font-size: 1em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #d2d2d7; padding: 0.25em 0.5em; vertical-align: top; }
img { max-width: 100%; height: auto; }
blockquote { border-left: 3px solid #d2d2d7; margin: 0.5em 0; padding-left: 0.8em; color: #3a3a3c; }
ul, ol { padding-left: 1.4em; }
.nightMode.card, .night_mode.card, .nightMode .card, .night_mode .card {
  color: #e8e8ed; background: #1c1c1e;
}
.nightMode .context, .night_mode .context { color: #a1a1a6; }
.nightMode .extra, .night_mode .extra,
.nightMode blockquote, .night_mode blockquote { color: #c7c7cc; }
.nightMode .cloze, .night_mode .cloze { color: #6cb4ff; }
.nightMode code, .night_mode code { background: #2c2c2e; }
.nightMode pre.hl, .night_mode pre.hl { background: #232326; border-color: #3a3a3c; }
.nightMode th, .night_mode th, .nightMode td, .night_mode td { border-color: #48484a; }
"""


@cache
def css() -> str:
    """The shared stylesheet: layout, then light and night code palettes."""
    light = pygments_css("default", [".hl"])
    dark = pygments_css("github-dark", [".nightMode .hl", ".night_mode .hl"])
    # Pygments' dark style paints its own background; ours above must win.
    override = ".nightMode pre.hl, .night_mode pre.hl { background: #232326; }"
    return f"{_BASE_CSS}\n{light}\n{dark}\n{override}\n"
