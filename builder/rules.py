"""Every finding's stable code: the builder's structural errors (`E…`) and the card rules (`D…`).

Codes never change meaning once released: CI configs, `allow` comments and
`lint:` settings name them. docs/AUTHORING.md lists them all, and a test
keeps this table, the code and the docs in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.errors import Severity


@dataclass(frozen=True, slots=True)
class Rule:
    """A kind of finding: its stable code, a short name, default severity and what it means."""

    code: str
    name: str
    severity: Severity
    summary: str


_E, _W = Severity.ERROR, Severity.WARNING

STRUCTURAL = (
    Rule("E001", "no-decks-folder", _E, "the decks folder does not exist"),
    Rule("E002", "folder-without-package", _E, "a folder of Markdown files has no package.yaml"),
    Rule("E003", "deck-outside-package", _E, "a deck file lies directly in decks/"),
    Rule("E004", "unknown-package", _E, "a package named on the command line does not exist"),
    Rule("E005", "bad-source-date-epoch", _E, "SOURCE_DATE_EPOCH is not whole seconds"),
    Rule("E006", "duplicate-package-id", _E, "two packages have the same id"),
    Rule("E007", "bad-previous-manifest", _E, "a previous release's manifest cannot be used"),
    Rule("E010", "malformed-package-yaml", _E, "package.yaml is not a valid YAML mapping"),
    Rule("E011", "unknown-package-key", _E, "package.yaml has a key the format does not know"),
    Rule("E012", "missing-package-key", _E, "package.yaml lacks `id`, `title` or `version`"),
    Rule("E013", "package-value-not-text", _E, "a package.yaml value is not a single text"),
    Rule("E014", "bad-package-id", _E, "the package id has characters other than a-z, 0-9, -"),
    Rule("E015", "bad-package-title", _E, "the title is empty or contains `::`"),
    Rule("E016", "package-without-decks", _E, "the package has no Markdown files"),
    Rule("E017", "lint-not-mapping", _E, "package.yaml's `lint:` is not a mapping"),
    Rule("E018", "bad-lint-setting", _E, "a `lint:` setting is unknown or has a bad value"),
    Rule("E020", "unreadable-file", _E, "a source file cannot be read"),
    Rule("E021", "not-utf8", _E, "a source file is not valid UTF-8"),
    Rule("E022", "control-character", _E, "a source file holds a control character"),
    Rule("E023", "empty-file", _E, "a deck file is empty"),
    Rule("E024", "unclosed-front-matter", _E, "front matter opened with `---` is never closed"),
    Rule("E025", "malformed-front-matter", _E, "front matter is not a valid YAML mapping"),
    Rule("E026", "unknown-front-matter-key", _E, "front matter has a key other than deck, tags"),
    Rule("E027", "bad-deck-value", _E, "`deck:` is not a deck name"),
    Rule("E028", "bad-tags-value", _E, "`tags:` is not a list of tags"),
    Rule("E029", "no-deck-name", _E, "a deck file has neither `deck:` nor a `# Title`"),
    Rule("E030", "empty-deck-part", _E, "a deck name has an empty `::` part"),
    Rule("E031", "no-notes", _E, "a deck file has no `## ` notes"),
    Rule("E032", "second-title", _E, "a `# ` title after the first note, or a second one"),
    Rule("E033", "setext-heading", _E, "`---` or `===` right under text makes it a heading"),
    Rule("E034", "cloze-outside-note", _E, "a cloze before the first note"),
    Rule("E101", "bad-note-id", _E, "a `{#id}` uses characters other than letters, digits . _ -"),
    Rule("E102", "unknown-heading-flag", _E, "a heading flag other than `.retired`"),
    Rule("E103", "empty-heading", _E, "a note heading has no text"),
    Rule("E104", "duplicate-note-id", _E, "two notes of a package have the same id"),
    Rule("E105", "tags-line-not-separated", _E, "the `tags:` line runs into the text below it"),
    Rule("E106", "empty-tag", _E, "an empty tag"),
    Rule("E107", "tag-with-space", _E, "a tag contains a space"),
    Rule("E108", "no-answer", _E, "a basic note has no answer"),
    Rule("E201", "unclosed-cloze", _E, "a cloze is not closed before its note ends"),
    Rule("E202", "nested-cloze", _E, "a cloze inside a cloze"),
    Rule("E203", "empty-cloze", _E, "a cloze hides nothing"),
    Rule("E204", "cloze-number-zero", _E, "a cloze numbered 0"),
    Rule("E205", "cloze-lookalike", _E, "text that looks like a cloze but is not one"),
    Rule("E206", "cloze-in-heading", _E, "a cloze in a note's heading"),
    Rule("E207", "cloze-after-separator", _E, "a cloze after `---`, where it is never hidden"),
    Rule("E208", "cloze-crosses-formatting", _E, "a cloze starts and ends in different markup"),
    Rule("E209", "too-many-clozes-in-file", _E, "more clozes in one file than the builder handles"),
    Rule("E210", "reserved-character", _E, "a private-use character the builder reserves"),
    Rule("E211", "cloze-in-attribute", _E, "a cloze inside a link address, title or image text"),
    Rule("E301", "unknown-language", _E, "a fenced code block names an unknown language"),
    Rule("E302", "image-outside-package", _E, "an image path leads outside the package"),
    Rule("E303", "image-not-found", _E, "an image file does not exist"),
    Rule("E304", "unclosed-fence", _E, "a code fence is never closed and swallows what follows"),
    Rule("E305", "raw-html-image", _E, "a raw `<img>` points at a local file, not embedded"),
)

QUALITY = (
    Rule("D100", "unused-allow", _W, "an `allow` comment names an unknown rule, or one that "
         "does not fire where it stands"),
    Rule("D101", "unpinned-id", _W, "the note has no pinned `{#id}`: rewording its heading "
         "would make a new note and lose the candidate's review history"),
    Rule("D102", "long-answer", _W, "the answer is too long for one fact: a basic card's back, "
         "or what one cloze hides"),
    Rule("D103", "many-clozes", _W, "too many cloze numbers (cards) in one note"),
    Rule("D104", "unclozed-list", _W, "a basic card's answer is a list of more than a few "
         "items (a set or enumeration to recall whole)"),
    Rule("D105", "yes-no-prompt", _W, "the prompt can be answered with yes or no"),
    Rule("D106", "duplicate-prompt", _W, "two notes of a package ask the same prompt"),
    Rule("D107", "cloze-hides-most", _W, "a cloze hides most of its note, leaving too little "
         "to cue the answer"),
    Rule("D108", "cloze-answer-shown", _W, "what a cloze hides is also shown elsewhere on the "
         "same card"),
    Rule("D109", "empty-back", _E, "the back of a basic card shows nothing"),
    Rule("D110", "undated-figure", _W, "a dollar figure or percentage with no year near it, "
         "so nobody can tell when it goes stale"),
)  # fmt: skip

ALL = STRUCTURAL + QUALITY
BY_CODE = {r.code: r for r in ALL}
QUALITY_BY_CODE = {r.code: r for r in QUALITY}
QUALITY_BY_NAME = {r.name: r for r in QUALITY}


def quality_code(name_or_code: str) -> str | None:
    """The code of a card rule named in config or a comment (`D104` or `unclozed-list`)."""
    text = name_or_code.strip()
    if text.upper() in QUALITY_BY_CODE:
        return text.upper()
    rule = QUALITY_BY_NAME.get(text.lower())
    return rule.code if rule else None
