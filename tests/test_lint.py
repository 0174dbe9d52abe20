"""`decks check`: rule codes, formats, exit codes, per-package config and `allow` comments."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from anki.collection import Collection
from conftest import FIXTURES, REPO, import_apkg, package_yaml, run_decks, write_files

from builder.build import build
from builder.errors import Diagnostic, Location, Severity
from builder.lint import DEFAULTS, check
from builder.report import github_line
from builder.rules import ALL, QUALITY, STRUCTURAL

RULES_FIXTURE = FIXTURES / "lint" / "rules"
LINE_RE = re.compile(r"(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[ED]\d{3}) (?P<msg>.+)")


def _codes(out: str) -> list[str]:
    codes = []
    for line in out.splitlines():
        m = LINE_RE.fullmatch(line)
        assert m, line
        codes.append(m.group("code"))
    return codes


@pytest.fixture
def rules_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = shutil.copytree(RULES_FIXTURE, tmp_path / "project")
    monkeypatch.chdir(project)
    return project


def test_every_rule_fires_with_its_code_line_and_column(
    rules_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_decks(["check"], capsys)
    expected = (RULES_FIXTURE / "expected.txt").read_text(encoding="utf-8")
    assert out == expected
    assert code == 1  # D109 is an error
    assert err.splitlines() == ["1 error(s), 20 warning(s)"]
    fired = set(_codes(out))
    assert fired == {r.code for r in QUALITY}, "the fixture must trip every card rule"


def test_errors_are_listed_before_warnings(rules_project: Path) -> None:
    result = check(Path("decks"))
    severities = [d.severity for d in result.findings]
    assert severities == sorted(severities, key=lambda s: s is Severity.WARNING)
    assert [d.code for d in result.errors] == ["D109"]


def test_silenced_notes_stay_silent(rules_project: Path) -> None:
    found = {(d.location.path, d.location.line, d.code) for d in check(Path("decks")).findings}
    silenced = "decks/pkg/silenced.md"
    assert (silenced, 9, "D101") not in found  # file-level `allow D101`
    assert (silenced, 13, "D105") not in found  # note-level `allow D105`
    assert not any(p == silenced and c == "D104" for p, _, c in found)  # `allow unclozed-list`
    assert (silenced, 39, "D110") in found  # an `allow` inside code is text, not a comment


def test_shipped_decks_pass_strict(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    code, out, err = run_decks(["check", "--strict"], capsys)
    assert (code, out) == (0, "")
    assert re.fullmatch(r"no problems in 2 package\(s\), \d+ notes\n", err), err


def test_warnings_fail_only_with_strict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(
        tmp_path,
        {"decks/p/package.yaml": package_yaml("p"), "decks/p/d.md": "# D\n\n## Unpinned?\n\nA.\n"},
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = run_decks(["check"], capsys)
    assert code == 0
    assert out == (
        "decks/p/d.md:3:13: D101 note has no pinned id: add `{#unpinned}` to the heading "
        "(`decks ids --write` pins every note)\n"
    )
    assert err == "0 error(s), 1 warning(s) (--strict fails on warnings)\n"
    code, out2, _ = run_decks(["check", "--strict"], capsys)
    assert (code, out2) == (1, out)
    code, out3, err3 = run_decks(["check", "--strict", "--quiet"], capsys)
    assert (code, out3, err3) == (1, out, "")


def test_json_format(rules_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_decks(["check", "--format", "json"], capsys)
    items = json.loads(out)
    text = (RULES_FIXTURE / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert code == 1
    assert len(items) == len(text)
    first = items[0]
    assert first == {
        "path": "decks/pkg/basic.md",
        "line": 45,
        "column": 1,
        "code": "D109",
        "rule": "empty-back",
        "severity": "error",
        "message": first["message"],
    }
    for item, line in zip(items, text, strict=True):
        assert (
            line
            == f"{item['path']}:{item['line']}:{item['column']}: {item['code']} {item['message']}"
        )
        assert item["severity"] in ("error", "warning")


def test_github_format(rules_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_decks(["check", "--format", "github"], capsys)
    lines = out.splitlines()
    assert code == 1
    assert lines[0] == (
        "::error file=decks/pkg/basic.md,line=45,col=1,title=D109 empty-back::"
        "the back shows nothing (only comments, spaces or removed markup): write the answer"
    )
    assert all(line.startswith("::warning file=decks/pkg/") for line in lines[1:])
    assert len(lines) == 21


def test_github_annotations_escape_their_separators() -> None:
    d = Diagnostic(Location("decks/a,b:c.md", 3), "50% off\nnext", Severity.WARNING, "D110", 2)
    assert github_line(d) == (
        "::warning file=decks/a%2Cb%3Ac.md,line=3,col=2,title=D110 undated-figure::50%25 off%0Anext"
    )


def test_config_changes_thresholds_severity_and_rules(
    rules_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    yaml = rules_project / "decks" / "pkg" / "package.yaml"
    yaml.write_text(
        yaml.read_text() + "lint:\n  ignore: [D110, undated-figure]\n  error: [yes-no-prompt]\n"
        "  warning: [D109]\n  max-list-items: 5\n  max-answer-words: 100\n  max-clozes: 10\n"
    )
    code, out, err = run_decks(["check"], capsys)
    codes = _codes(out)
    assert "D110" not in codes and "D104" not in codes and "D103" not in codes
    assert codes.count("D102") == 1  # only the cloze one: its limit did not change
    assert out.splitlines()[0].startswith(
        "decks/pkg/basic.md:27:4: D105 "
    )  # now an error, so first
    assert code == 1
    assert err.startswith("1 error(s), ")


def test_bad_config_is_reported_with_its_line(
    rules_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    yaml = rules_project / "decks" / "pkg" / "package.yaml"
    yaml.write_text(
        yaml.read_text() + "lint:\n  max-clozes: many\n  ignore: [D999]\n  colour: blue\n"
        "  max-cloze-share: 1.5\n"
    )
    code, out, _ = run_decks(["check"], capsys)
    lines = [line for line in out.splitlines() if "E018" in line]
    assert code == 1
    assert lines == [
        "decks/pkg/package.yaml:5:1: E018 `max-clozes` must be a whole number, 1 or more, "
        "not `many`",
        "decks/pkg/package.yaml:6:1: E018 `ignore` names unknown rule `D999`: use a code such "
        "as `D104` (`decks check --list-rules` shows them)",
        "decks/pkg/package.yaml:7:1: E018 unknown `lint` setting `colour`; expected one of: "
        + ", ".join(
            [
                "ignore",
                "error",
                "warning",
                "max-answer-words",
                "max-cloze-words",
                "max-clozes",
                "max-list-items",
                "max-cloze-share",
                "min-leak-chars",
                "year-window",
            ]
        ),
        "decks/pkg/package.yaml:8:1: E018 `max-cloze-share` must be a number above 0 and at "
        "most 1, not `1.5`",
    ]


def test_lint_that_is_not_a_mapping_fails_the_build_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], epoch: int
) -> None:
    write_files(
        tmp_path,
        {
            "decks/p/package.yaml": package_yaml("p") + "lint: strict\n",
            "decks/p/d.md": "# D\n\n## Q {#q}\n\nA.\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    code, _, err = run_decks(["build"], capsys)
    assert code == 1
    assert err.splitlines()[0] == (
        "decks/p/package.yaml:4: `lint` must be a mapping of settings such as `max-clozes: 8`"
    )
    assert not (tmp_path / "dist").exists()


def test_a_valid_lint_section_does_not_change_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epoch: int
) -> None:
    files: dict[str, str | bytes] = {
        "decks/p/package.yaml": package_yaml("p"),
        "decks/p/d.md": "# D\n\n## Q {#q}\n\nA.\n",
    }
    write_files(tmp_path / "a", files)
    files["decks/p/package.yaml"] = package_yaml("p") + "lint:\n  max-clozes: 3\n"
    write_files(tmp_path / "b", files)
    built = []
    for side in ("a", "b"):
        monkeypatch.chdir(tmp_path / side)
        (apkg,), _ = build(Path("decks"), Path("dist"))
        built.append(apkg.read_bytes())
    assert built[0] == built[1]


def test_allow_comments_never_reach_a_card(
    rules_project: Path, collection: Collection, epoch: int
) -> None:
    yaml = rules_project / "decks" / "pkg" / "package.yaml"
    (apkg,), _ = build(Path("decks"), Path("dist"))
    import_apkg(collection, apkg)
    sources = "".join(p.read_text() for p in (rules_project / "decks").rglob("*.md"))
    assert sources.count("decks: allow") == 7
    shown = ""
    for cid in collection.find_cards(""):
        card = collection.get_card(cid)
        shown += card.question() + card.answer()
    assert collection.card_count() > 20
    descriptions = " ".join(d["desc"] for d in collection.decks.all())
    assert "decks:" not in descriptions and "<!--" not in descriptions
    in_code = "<code>&lt;!-- decks: allow D110 --&gt;</code>"
    assert in_code in shown  # written as code, so shown as code
    assert "decks:" not in shown.replace(in_code, "")
    assert "<!--" not in shown
    assert yaml.is_file()


def test_list_rules_names_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_decks(["check", "--list-rules"], capsys)
    assert code == 0
    listed = [line.split()[0] for line in out.splitlines()]
    assert listed == [r.code for r in ALL]


def test_rule_table_matches_the_code_and_the_docs() -> None:
    sources = "".join(
        p.read_text() for p in (REPO / "builder").glob("*.py") if p.name != "rules.py"
    )
    used = set(re.findall(r'"(E\d{3})"', sources))
    structural = {r.code for r in STRUCTURAL}
    assert used == structural, used ^ structural
    docs = (REPO / "docs" / "AUTHORING.md").read_text(encoding="utf-8")
    for rule in ALL:
        assert re.search(rf"\| `{rule.code}` \| `{rule.name}` \|", docs), rule.code
    assert len({r.code for r in ALL}) == len(ALL)
    assert len({r.name for r in ALL}) == len(ALL)


def test_documented_defaults_match_the_code() -> None:
    docs = (REPO / "docs" / "AUTHORING.md").read_text(encoding="utf-8")
    for key, attr in (
        ("max-answer-words", DEFAULTS.max_answer_words),
        ("max-cloze-words", DEFAULTS.max_cloze_words),
        ("max-clozes", DEFAULTS.max_clozes),
        ("max-list-items", DEFAULTS.max_list_items),
        ("max-cloze-share", DEFAULTS.max_cloze_share),
        ("min-leak-chars", DEFAULTS.min_leak_chars),
        ("year-window", DEFAULTS.year_window),
    ):
        assert f"| `{key}` | {attr} |" in docs, key
