"""Story files: one story or several per file, metadata, sections, and bad structure with lines."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES
from test_stories_helpers import META, story, write

from builder.stories.model import Part
from builder.stories.parse import read_stories

BANK = FIXTURES / "stories" / "bank"


def _problems(tmp_path: Path, text: str | bytes) -> list[tuple[int, str, str]]:
    path = tmp_path / "s.md"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    _, found = read_stories([path])
    return [(f.location.line, f.code, f.message) for f in sorted(found)]


def test_one_story_with_front_matter(tmp_path: Path) -> None:
    write(tmp_path, {"s.md": story()})
    (s,), found = read_stories([tmp_path / "s.md"])
    assert found == []
    assert (s.id, s.explicit_id, s.title, s.line) == ("leaked-keys", False, "Leaked keys", 2)
    assert s.principles == ("Ownership", "Deliver Results")
    assert str(s.when) == "2019-04"
    assert list(s.sections) == [Part.SITUATION, Part.TASK, Part.ACTION, Part.RESULT, Part.LEARNING]
    assert s.sections[Part.ACTION].line == 15
    assert s.sections[Part.ACTION].body.startswith("\nI traced each key")
    assert not s.example


def test_several_stories_per_file() -> None:
    stories, found = read_stories([BANK / "several.md"])
    assert found == []
    assert [(s.id, s.explicit_id, s.line, str(s.when)) for s in stories] == [
        ("backlog-triage", True, 1, "2016"),
        ("token-leak-root-cause", True, 29, "2023-05"),
    ]
    assert stories[1].principles == ("Dive Deep", "Earn Trust")
    assert stories[0].sections[Part.RESULT].body.strip().startswith("The backlog fell")
    # The first story ends where the second begins.
    assert "token" not in stories[0].sections[Part.RESULT].body
    assert stories[1].source.startswith("# Found the root cause")


def test_front_matter_then_title_heading(tmp_path: Path) -> None:
    text = (
        "---\nwhen: 2018\nprinciples: Frugality\n---\n\n# Saved on logging\n\n"
        + story(META).split("---\n", 2)[2]
    )
    write(tmp_path, {"s.md": text})
    (s,), found = read_stories([tmp_path / "s.md"])
    assert found == []
    assert (s.title, s.line, s.principles) == ("Saved on logging", 6, ("Frugality",))


def test_headings_inside_code_are_text(tmp_path: Path) -> None:
    action = "I wrote this:\n\n```sh\n# not a story\n## not a section\n```\n\nI shipped it."
    write(tmp_path, {"s.md": story(action=action)})
    (s,), found = read_stories([tmp_path / "s.md"])
    assert found == []
    assert "# not a story" in s.sections[Part.ACTION].body


def test_folder_examples_are_marked_and_named_files_are_not(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "stories/example-good.md": story(META + "id: ex\n"),
            "stories/mine.md": story(),
            "stories/.drafts/hidden.md": "not read",
        },
    )
    found, problems = read_stories([tmp_path / "stories"])
    assert problems == []
    assert [(s.id, s.example) for s in found] == [("ex", True), ("leaked-keys", False)]
    (named,), _ = read_stories([tmp_path / "stories" / "example-good.md"])
    assert not named.example


def test_metadata_problems_name_their_lines(tmp_path: Path) -> None:
    meta = "title: ''\nid: Not An Id\nwhen: March 2019\nowner: me\n"
    assert _problems(tmp_path, story(meta)) == [
        (2, "S001", "`title` must be the story's title as text"),
        (3, "S001", "`id` must be lowercase letters, digits and `-` (at most 64)"),
        (4, "S001", "`when` must be a year or a year and month, such as 2021 or 2021-03"),
        (5, "S001", "unknown key `owner`; expected one of: title, id, principles, when"),
    ]


def test_missing_title_and_when(tmp_path: Path) -> None:
    assert _problems(tmp_path, story("principles: [Ownership]\n")) == [
        (1, "S001", "the story has no title: add `title:` or a `# Title` line"),
        (
            1,
            "S001",
            "the story says not when it happened: add `when: 2021` or `when: 2021-03`",
        ),
    ]


def test_malformed_yaml(tmp_path: Path) -> None:
    (problem,) = _problems(tmp_path, story(META + "principles: [a, b\n"))
    assert problem[:2] == (5, "S001")
    assert problem[2].startswith("malformed YAML")


def test_title_given_twice(tmp_path: Path) -> None:
    text = "# One title\n\n---\ntitle: Another\nwhen: 2019\n---\n\n## Situation\n\nx\n"
    assert _problems(tmp_path, text) == [
        (4, "S001", "title given twice (`# One title` and `title:`): keep one")
    ]


def test_unclosed_metadata_block(tmp_path: Path) -> None:
    assert _problems(tmp_path, "# T\n---\nwhen: 2019\n") == [
        (2, "S001", "the `---` block is never closed with `---`")
    ]


def test_unknown_and_repeated_sections(tmp_path: Path) -> None:
    text = story(extra="## Background\n\nx\n\n## Result\n\nAgain 4.\n")
    assert _problems(tmp_path, text) == [
        (
            26,
            "S002",
            "unknown section `## Background`: a story has `## Situation`, `## Task`, "
            "`## Action`, `## Result` and optionally `## Learning`",
        ),
        (30, "S002", "`## Result` is given twice in one story (first on line 19)"),
    ]


def test_unknown_section_text_stays_out_of_the_section_before(tmp_path: Path) -> None:
    write(tmp_path, {"s.md": story(extra="## Notes\n\nprivate notes\n")})
    (s,), _ = read_stories([tmp_path / "s.md"])
    assert "private notes" not in s.sections[Part.LEARNING].body


def test_stray_text(tmp_path: Path) -> None:
    assert _problems(tmp_path, "Some notes first.\n\n" + story()) == [
        (
            1,
            "S002",
            "text before the first story: start a story with `# Title` or front matter "
            "(docs/STORIES.md)",
        )
    ]
    text = story().replace("## Situation", "An intro line.\n\n## Situation")
    assert _problems(tmp_path, text) == [
        (
            7,
            "S002",
            "text outside a section: put it under `## Situation`, `## Task`, `## Action`, "
            "`## Result` or `## Learning`",
        )
    ]


def test_unreadable_files(tmp_path: Path) -> None:
    assert _problems(tmp_path, b"---\ntitle: caf\xe9\n") == [
        (2, "S001", "file is not valid UTF-8 (byte 0xe9)")
    ]
    assert _problems(tmp_path, story().replace("noise", "no\x1fise")) == [
        (25, "S001", "control character U+001F: delete it")
    ]
    assert _problems(tmp_path, "  \n\n") == [
        (1, "S002", "file is empty: write a story (docs/STORIES.md)")
    ]


def test_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "stories").mkdir()
    _, found = read_stories([tmp_path / "stories"])
    assert [(f.code, f.location.line) for f in found] == [("S002", 0)]


def test_every_problem_of_a_run_is_reported(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a.md": story("when: 2019\n"),
            "b.md": story(META + "id: BAD\n"),
            "c.md": "# T\n\n## Situation\n\nx\n\n## Plan\n\ny\n",
        },
    )
    _, found = read_stories([tmp_path])
    assert sorted((Path(f.location.path).name, f.code) for f in found) == [
        ("a.md", "S001"),
        ("b.md", "S001"),
        ("c.md", "S001"),
        ("c.md", "S002"),
    ]


def test_crlf_and_bom(tmp_path: Path) -> None:
    text = "\ufeff" + story().replace("\n", "\r\n")
    (tmp_path / "s.md").write_bytes(text.encode("utf-8"))
    (s,), found = read_stories([tmp_path / "s.md"])
    assert found == []
    assert s.sections[Part.ACTION].line == 15
