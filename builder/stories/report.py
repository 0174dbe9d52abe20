"""Findings and the coverage table as text, JSON or GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import StrEnum

from builder.errors import Severity
from builder.stories.check import SUGGESTED_STORIES, Coverage
from builder.stories.model import Finding

TITLE_CHARS = 36


class Format(StrEnum):
    """Output formats of `decks stories check`."""

    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


def counts(findings: Sequence[Finding]) -> tuple[int, int]:
    """How many errors and warnings."""
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    return errors, len(findings) - errors


def _short(title: str) -> str:
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "\u2026"


def _stories(n: int) -> str:
    return f"{n} stor{'y' if n == 1 else 'ies'}"


def coverage_lines(cov: Coverage) -> list[str]:
    """The coverage table: principles against stories, uncovered ones marked, and the years."""
    n = len(cov.stories)
    examples = f" ({_stories(cov.examples)} named example… checked, not counted)"
    if not n:
        return [
            "Coverage: no stories of your own yet"
            + (examples if cov.examples else "")
            + ": write yours in stories/ (docs/STORIES.md)"
        ]
    low, high = SUGGESTED_STORIES
    advice = f" (the guide suggests {low}-{high})" if n < low else ""
    covered = len(cov.by_principle) - len(cov.uncovered)
    lines = [
        f"Coverage: {_stories(n)}{advice}, {covered} of {len(cov.by_principle)} principles"
        + (examples if cov.examples else "")
    ]
    width = max(len(name) for name in cov.by_principle)
    for name, served in cov.by_principle.items():
        if served:
            titles = "; ".join(_short(s.title) for s in served)
            lines.append(f"  {name:<{width}}  {len(served)}  {titles}")
        else:
            lines.append(f"  {name:<{width}}  0  !! no story")
    for story in cov.serving_none:
        lines.append(f"  !! serves no principle: {story.title} ({story.location})")
    if cov.years:
        spread = ", ".join(f"{year} ({count})" for year, count in cov.years.items())
        first, last = min(cov.years), max(cov.years)
        span = f": {last - first + 1} years" if last > first else ""
        lines.append(f"Years: {spread}{span}")
    return lines


def text(findings: Sequence[Finding], cov: Coverage | None, strict: bool) -> str:
    """Findings one a line, the coverage table, then the verdict."""
    lines = [str(f) for f in findings]
    if cov is not None:
        if lines:
            lines.append("")
        lines += coverage_lines(cov)
    lines.append(_verdict(findings, cov, strict))
    return "\n".join(lines)


def _verdict(findings: Sequence[Finding], cov: Coverage | None, strict: bool) -> str:
    """The last line: how many stories were checked, and whether the check passed."""
    errors, warnings = counts(findings)
    checked = f"{_stories(len(cov.stories) + cov.examples)} checked: " if cov else ""
    if errors or (strict and warnings):
        how = " (--strict: warnings fail the check)" if strict and warnings else ""
        return f"{checked}{errors} error(s), {warnings} warning(s){how}"
    return f"{checked}no errors, {warnings} warning(s)"


def as_json(findings: Sequence[Finding], cov: Coverage | None) -> str:
    """Everything as one JSON document, for editors and scripts."""
    errors, warnings = counts(findings)
    doc: dict[str, object] = {
        "findings": [
            {
                "path": f.location.path,
                "line": f.location.line,
                "code": f.code,
                "severity": str(f.severity),
                "message": f.message,
            }
            for f in findings
        ],
        "summary": {"errors": errors, "warnings": warnings},
    }
    if cov is not None:
        doc["coverage"] = {
            "stories": [
                {
                    "id": s.id,
                    "title": s.title,
                    "when": str(s.when) if s.when else None,
                    "source": str(s.location),
                    "principles": list(s.principles),
                }
                for s in cov.stories
            ],
            "principles": {
                name: [s.id for s in served] for name, served in cov.by_principle.items()
            },
            "uncovered": cov.uncovered,
            "serving_none": [s.id for s in cov.serving_none],
            "years": {str(y): c for y, c in cov.years.items()},
        }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def _escape(value: str, property_: bool = False) -> str:
    """GitHub workflow-command escaping (properties also escape `:` and `,`)."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if property_ else value


def github(findings: Sequence[Finding], cov: Coverage | None, strict: bool) -> str:
    """GitHub Actions annotations, then the coverage table as plain log lines."""
    lines = []
    for f in findings:
        level = "error" if f.severity is Severity.ERROR or strict else "warning"
        props = f"file={_escape(f.location.path, True)}"
        if f.location.line:
            props += f",line={f.location.line}"
        props += f",title={f.code}"
        lines.append(f"::{level} {props}::{_escape(f.message)}")
    if cov is not None:
        lines += coverage_lines(cov)
    lines.append(_verdict(findings, cov, strict))
    return "\n".join(lines)


def render(
    fmt: Format, findings: Sequence[Finding], cov: Coverage | None, strict: bool = False
) -> str:
    """The whole report in one format."""
    if fmt is Format.JSON:
        return as_json(findings, cov)
    if fmt is Format.GITHUB:
        return github(findings, cov, strict)
    return text(findings, cov, strict)
