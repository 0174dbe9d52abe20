"""`decks stories check`: each rule fires on a story that breaks it, quiet on a clean one."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import REPO
from test_stories_helpers import META, run, story, words, write

from builder.stories.check import Options, check
from builder.stories.model import RULES, Finding
from builder.stories.parse import read_stories

TODAY = date(2026, 6, 15)


def findings(
    tmp_path: Path,
    files: dict[str, str],
    options: Options | None = None,
    today: date = TODAY,
) -> list[Finding]:
    """Every finding of a check of `files`, parse and rules together."""
    write(tmp_path, files)
    stories, found = read_stories([tmp_path])
    more, _ = check(stories, options or Options(), today)
    return sorted(found + more)


def codes(found: list[Finding]) -> list[str]:
    return [f.code for f in found]


def test_the_clean_story_has_no_findings(tmp_path: Path) -> None:
    assert findings(tmp_path, {"s.md": story()}, Options(require_learning=True)) == []


# Each rule: a story that breaks it, and the nearest story that does not.
CASES = {
    "S001": (
        story(META.replace("2019-04", "2019-13")),
        story(META.replace("2019-04", "2019-12")),
    ),
    "S002": (story(extra="## Background\n\nMore.\n"), story(extra="### Aside\n\nMore.\n")),
    "S101": (story(task=None), story()),
    "S102": (story(task=""), story()),
    "S103": (
        story(result="The migration went well and everyone was happy."),
        story(result="The migration halved our hosting bill."),
    ),
    "S104": (
        story(action="We rolled back. We paged the owner. I wrote the fix."),
        story(action="We rolled back. I paged the owner. I wrote the fix."),
    ),
    "S105": (story(situation=words(150)), story(situation=words(135))),
    "S106": (
        # Every section just inside its own allowance, together over about 4 minutes.
        story(
            situation=words(135),
            task=words(90),
            action=words(370),
            result=words(128) + " Saved 40%.",
            learning=None,
        ),
        story(
            situation=words(130),
            task=words(85),
            action=words(300),
            result=words(98) + " Saved 40%.",
            learning=None,
        ),
    ),
    "S107": (
        story(META.replace("Deliver Results", "Deliver Resluts")),
        story(META.replace("Deliver Results", "deliver-results")),
    ),
    "S201": (story(META.replace("principles: [Ownership, Deliver Results]\n", "")), story()),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fires(code: str, tmp_path: Path) -> None:
    bad, _ = CASES[code]
    assert code in codes(findings(tmp_path, {"s.md": bad}))


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_stays_quiet(code: str, tmp_path: Path) -> None:
    _, good = CASES[code]
    assert findings(tmp_path, {"s.md": good}) == []


def test_every_rule_has_a_firing_and_a_quiet_test() -> None:
    tested = set(CASES) | {"S003", "S108", "S202"}  # the three below need more than one story
    assert tested == set(RULES)


def test_s003_duplicate_ids_name_both_places(tmp_path: Path) -> None:
    meta = META + "id: keys\n"
    found = findings(tmp_path, {"a.md": story(meta), "b.md": story(meta)})
    assert [str(f) for f in found] == [
        f"{tmp_path / 'b.md'}:2: error S003: story id `keys` is also used by {tmp_path / 'a.md'}:2"
    ]
    quiet = findings(tmp_path / "q", {"a.md": story(meta), "b.md": story(META + "id: other\n")})
    assert quiet == []


def test_s003_for_a_derived_id_suggests_an_explicit_one(tmp_path: Path) -> None:
    found = findings(tmp_path, {"a.md": story(), "b.md": story()})
    assert codes(found) == ["S003"]
    assert "`leaked-keys` (derived from the title: add `id:`)" in found[0].message


def test_s108_only_when_asked(tmp_path: Path) -> None:
    asked = Options(require_learning=True)
    no_learning = {"s.md": story(learning=None)}
    assert codes(findings(tmp_path / "a", no_learning, asked)) == ["S108"]
    assert findings(tmp_path / "b", no_learning) == []
    assert findings(tmp_path / "c", {"s.md": story()}, asked) == []


def test_s202_all_stories_from_the_last_year(tmp_path: Path) -> None:
    recent = {
        "a.md": story(META.replace("2019-04", "2025-09") + "id: a\n"),
        "b.md": story(META.replace("2019-04", "2026") + "id: b\n"),
    }
    found = findings(tmp_path / "a", recent)
    assert codes(found) == ["S202"]
    assert "all 2 of your stories are from the last year" in found[0].message
    older = {**recent, "c.md": story(META.replace("2019-04", "2025-05") + "id: c\n")}
    assert findings(tmp_path / "b", older) == []


def test_s202_ignores_examples(tmp_path: Path) -> None:
    files = {
        "mine.md": story(META.replace("2019-04", "2026-01") + "id: mine\n"),
        "example-old.md": story(META + "id: ex\n"),
    }
    assert codes(findings(tmp_path, files)) == ["S202"]


def test_future_when_is_bad_metadata(tmp_path: Path) -> None:
    found = findings(tmp_path, {"s.md": story(META.replace("2019-04", "2026-07"))})
    (future,) = [f for f in found if f.code == "S001"]
    assert future.location.line == 4
    assert future.message == "`when: 2026-07` is in the future"
    this_month = findings(tmp_path / "b", {"s.md": story(META.replace("2019-04", "2026-06"))})
    assert "S001" not in codes(this_month)


def test_s103_needs_a_figure_not_a_list_number(tmp_path: Path) -> None:
    listed = story(result="1. The team was happy.\n2. Leadership noticed.")
    assert codes(findings(tmp_path / "a", {"s.md": listed})) == ["S103"]
    for result in ("Saved $4.5M a year.", "Cut alerts by 40%.", "Deploys became twice as fast."):
        assert findings(tmp_path / "b", {"s.md": story(result=result)}) == [], result


def test_s103_does_not_count_names_with_digits(tmp_path: Path) -> None:
    found = findings(tmp_path, {"s.md": story(result="We moved to S3 and patched log4j.")})
    assert codes(found) == ["S103"]


def test_s104_quotes_every_we_sentence_at_its_line(tmp_path: Path) -> None:
    action = (
        "We looked at options and we picked one.\n"
        "I helped test it.\n\n"
        "- We rolled it out\n"
        "  over a month.\n"
        "- I wrote the runbook."
    )
    found = findings(tmp_path, {"s.md": story(action=action)})
    we = [f for f in found if f.code == "S104"]
    assert [(f.location.line, f.message.split(": say what you did: ")[1]) for f in we] == [
        (17, '"We looked at options and we picked one."'),
        (20, '"We rolled it out over a month."'),
    ]
    assert all('"we" 3 times and "I" 2' in f.message for f in we)


def test_s104_ignores_we_inside_words_and_code(tmp_path: Path) -> None:
    action = "I weighed the options. I went with Weave.\n\n```\nwe = 1\n```"
    assert findings(tmp_path, {"s.md": story(action=action)}) == []


def test_s105_names_the_time_and_the_target(tmp_path: Path) -> None:
    (found,) = findings(tmp_path, {"s.md": story(task=words(100))})
    assert found.code == "S105"
    assert found.location.line == 11
    assert found.message.startswith("`## Task` runs about 0:40 spoken (100 words")
    assert "well over its 0:30 target: cut it to about 75 words" in found.message


def test_s105_counts_spoken_words_not_markup(tmp_path: Path) -> None:
    # 132 spoken words, with links, emphasis, list markers and a code block around them.
    body = "\n".join(f"- **{words(10)}** [link](https://example.org/a/b/c/d)" for _ in range(12))
    body += "\n\n```\n" + words(200, "code") + "\n```"
    assert findings(tmp_path, {"s.md": story(situation=body)}) == []


def test_s107_suggests_the_nearest_principle(tmp_path: Path) -> None:
    meta = META.replace(
        "[Ownership, Deliver Results]", "[Customer Obssession, Bias to Action, Teamwork]"
    )
    found = findings(tmp_path, {"s.md": story(meta)})
    assert sorted(f.message for f in found) == [
        "unknown principle `Bias to Action`: did you mean `Bias for Action`?",
        "unknown principle `Customer Obssession`: did you mean `Customer Obsession`?",
        "unknown principle `Teamwork`: see the 16 in docs/STORIES.md",
    ]


def test_s107_points_at_the_item_in_a_block_list(tmp_path: Path) -> None:
    meta = "title: T\nprinciples:\n  - Ownership\n  - Frugalty\nwhen: 2019\n"
    (found,) = findings(tmp_path, {"s.md": story(meta)})
    assert (found.code, found.location.line) == ("S107", 5)
    assert "did you mean `Frugality`?" in found.message


def test_principle_names_are_forgiving(tmp_path: Path) -> None:
    meta = (
        "title: T\nprinciples: [customer obsession, Are right a lot, backbone, "
        "Disagree and Commit, Earth\u2019s Best Employer, hire & develop the best]\nwhen: 2019\n"
    )
    write(tmp_path, {"s.md": story(meta)})
    (parsed,), found = read_stories([tmp_path])
    assert found == []
    assert parsed.principles == (
        "Customer Obsession",
        "Are Right, A Lot",
        "Have Backbone; Disagree and Commit",
        "Strive to be Earth's Best Employer",
        "Hire and Develop the Best",
    )


# The command line: output, formats, exit codes.


def test_shipped_example_passes_every_check(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    for target in ("stories/example-good.md", "stories"):
        code, out, _ = run(["stories", "check", "--strict", "--require-learning", target], capsys)
        assert code == 0, out
        assert out.splitlines()[-1] == "1 story checked: no errors, 0 warning(s)"
        assert not re.search(r": (error|warning) S\d{3}:", out)


def test_bad_example_breaks_the_rules_it_shows(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = run(
        ["stories", "check", "--require-learning", "docs/stories/bad-example.md"], capsys
    )
    assert code == 1
    found = re.findall(r"^docs/stories/bad-example\.md:\d+: \w+ (S\d+):", out, re.MULTILINE)
    assert sorted(set(found)) == ["S101", "S103", "S104", "S105", "S107", "S108"]


def test_docs_show_the_real_output_for_the_bad_example(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    docs = (REPO / "docs" / "STORIES.md").read_text(encoding="utf-8")
    command = "decks stories check --require-learning docs/stories/bad-example.md"
    m = re.search(rf"```console\n\$ {re.escape(command)}\n(.*?)```", docs, re.DOTALL)
    assert m, "docs/STORIES.md must show the check of the bad example"
    _, out, _ = run(command.split()[1:], capsys)
    assert m.group(1) == out


def test_docs_list_every_rule() -> None:
    docs = (REPO / "docs" / "STORIES.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `(S\d{3})` \| (error|warning) \|", docs, re.MULTILINE)
    assert listed == [(code, str(rule.severity)) for code, rule in RULES.items()]


def test_docs_show_the_shipped_example_verbatim() -> None:
    docs = (REPO / "docs" / "STORIES.md").read_text(encoding="utf-8")
    example = (REPO / "stories" / "example-good.md").read_text(encoding="utf-8")
    bad = (REPO / "docs" / "stories" / "bad-example.md").read_text(encoding="utf-8")
    assert f"````markdown\n{example}````" in docs
    assert f"````markdown\n{bad}````" in docs


def test_warnings_pass_unless_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"stories/s.md": story(result="It went well.")})
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["stories", "check"], capsys)
    assert code == 0
    assert "stories/s.md:19: warning S103: the Result has no number" in out
    assert out.splitlines()[-1] == "1 story checked: no errors, 1 warning(s)"
    code, out, _ = run(["stories", "check", "--strict"], capsys)
    assert code == 1
    assert out.splitlines()[-1].endswith(
        "0 error(s), 1 warning(s) (--strict: warnings fail the check)"
    )


def test_errors_fail_and_all_are_reported_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        tmp_path,
        {
            "stories/a.md": story(task=None),
            "stories/b.md": story(META.replace("Ownership", "Ownershp") + "id: b\n"),
        },
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["stories", "check"], capsys)
    assert code == 1
    assert "stories/a.md:2: error S101: no `## Task` section" in out
    assert "stories/b.md:3: error S107: unknown principle `Ownershp`" in out
    assert out.splitlines()[-1] == "2 stories checked: 2 error(s), 0 warning(s)"
    assert "Traceback" not in out + err


def test_json_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"stories/s.md": story(result="It went well.")})
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["stories", "check", "--format", "json"], capsys)
    doc = json.loads(out)
    assert code == 0
    assert doc["findings"] == [
        {
            "path": "stories/s.md",
            "line": 19,
            "code": "S103",
            "severity": "warning",
            "message": "the Result has no number: give the measured outcome "
            "(how much, how many, how fast, what it saved)",
        }
    ]
    assert doc["summary"] == {"errors": 0, "warnings": 1}
    cov = doc["coverage"]
    assert cov["principles"]["Ownership"] == ["leaked-keys"]
    assert "Think Big" in cov["uncovered"] and "Ownership" not in cov["uncovered"]
    assert cov["years"] == {"2019": 1}


def test_github_format_escapes_and_annotates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"stories/a,b.md": story(META.replace("Ownership", "Ownershp%"))})
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["stories", "check", "--format", "github"], capsys)
    assert code == 1
    assert out.splitlines()[0] == (
        "::error file=stories/a%2Cb.md,line=3,title=S107::unknown principle `Ownershp%25`: "
        "did you mean `Ownership`?"
    )
    code, out, _ = run(["stories", "check", "--format", "github", "--strict"], capsys)
    assert all(not line.startswith("::warning") for line in out.splitlines())


def test_coverage_table(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = run(["stories", "check", "tests/fixtures/stories/bank"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Coverage: 3 stories (the guide suggests 8-10), 6 of 16 principles"
    rows = {line[2:46].strip(): line[46:].strip() for line in lines[1:17]}
    assert len(rows) == 16
    assert rows["Ownership"] == "0  !! no story"
    assert rows["Dive Deep"] == "1  Found the root cause of a token lea\u2026"
    assert rows["Have Backbone; Disagree and Commit"].startswith("1  Rolled out phishing")
    assert sum(1 for r in rows.values() if r.startswith("0  !! no story")) == 10
    assert lines[17] == "Years: 2016 (1), 2019 (1), 2023 (1): 8 years"


def test_coverage_marks_stories_serving_no_principle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    meta = "title: Draft\nwhen: 2018\n"
    write(tmp_path, {"stories/a.md": story(), "stories/b.md": story(meta)})
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(["stories", "check"], capsys)
    assert "stories/b.md:2: warning S201: the story serves no principle" in out
    assert "  !! serves no principle: Draft (stories/b.md:2)" in out.splitlines()


def test_coverage_without_stories_of_your_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"stories/example-good.md": story()})
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["stories", "check"], capsys)
    assert code == 0
    assert out.splitlines() == [
        "Coverage: no stories of your own yet (1 story named example\u2026 checked, "
        "not counted): write yours in stories/ (docs/STORIES.md)",
        "1 story checked: no errors, 0 warning(s)",
    ]


def test_missing_stories_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["stories", "check"], capsys)
    assert code == 1
    assert out.splitlines()[0] == (
        "stories: error S001: no such file or folder: write your stories in stories/"
    )


def test_long_story_finding_gives_the_total(tmp_path: Path) -> None:
    bad, _ = CASES["S106"]
    (found,) = findings(tmp_path, {"s.md": bad})
    assert found.location.line == 2
    assert found.message.startswith("the story runs about 4:50 spoken (725 words)")


def test_text_report_is_coloured_on_a_terminal(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from builder.cli import cli

    write(tmp_path, {"s.md": story(task=None, result="It went well.")})
    result = CliRunner().invoke(cli, ["stories", "check", str(tmp_path / "s.md")], color=True)
    assert "\x1b[31m" in result.output  # the error, red
    assert "\x1b[33m" in result.output  # the warning and the uncovered principles, yellow
    plain = CliRunner().invoke(cli, ["stories", "check", str(tmp_path / "s.md")])
    assert "\x1b[" not in plain.output
