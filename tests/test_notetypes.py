"""Frozen note types: ids, names and fields never change once released."""

from __future__ import annotations

from builder import notetypes

# Changing anything here makes every candidate's next import create a second
# note type and leave their notes "conflicting". Add a new note type instead.
SNAPSHOT = {
    1607392319: ("Markdown Basic", ("Front", "Back", "Context", "Id")),
    1607392320: ("Markdown Cloze", ("Title", "Text", "Extra", "Context", "Id")),
}


def test_note_types_match_the_released_snapshot() -> None:
    assert {nt.id: (nt.name, nt.fields) for nt in notetypes.NOTE_TYPES} == SNAPSHOT


def test_templates_use_only_declared_fields() -> None:
    for nt in notetypes.NOTE_TYPES:
        for template in (nt.front, nt.back):
            used = {
                part.split("}}")[0].split(":")[-1].lstrip("#/") for part in template.split("{{")[1:]
            }
            assert used <= set(nt.fields) | {"FrontSide"}, used


def test_cloze_type_shows_title_on_every_card() -> None:
    assert "{{Title}}" in notetypes.CLOZE.front and "{{Title}}" in notetypes.CLOZE.back
    assert "{{cloze:Text}}" in notetypes.CLOZE.front


def test_css_has_light_and_night_code_palettes() -> None:
    css = notetypes.css()
    assert ".hl .k " in css  # keywords, light
    assert ".nightMode .hl .k" in css and ".night_mode .hl .k" in css
    assert ".nightMode.card" in css and ".night_mode.card" in css
