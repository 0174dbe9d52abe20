"""Findings as text for people and editors, JSON for tools, or GitHub workflow annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence

from builder.errors import Diagnostic, Severity
from builder.rules import BY_CODE

FORMATS = ("text", "json", "github")


def _position(d: Diagnostic) -> tuple[int, int]:
    """Line and column as shown: a whole-file finding points at its first character."""
    return max(d.location.line, 1), max(d.column, 1)


def text_line(d: Diagnostic) -> str:
    """`file:line:col: CODE message`, the form editors and CI logs jump to."""
    line, column = _position(d)
    code = f"{d.code} " if d.code else ""
    return f"{d.location.path}:{line}:{column}: {code}{d.message}"


def as_json(findings: Sequence[Diagnostic]) -> str:
    """A JSON array, one object per finding, in report order."""
    items = []
    for d in findings:
        line, column = _position(d)
        rule = BY_CODE.get(d.code)
        items.append(
            {
                "path": d.location.path,
                "line": line,
                "column": column,
                "code": d.code,
                "rule": rule.name if rule else "",
                "severity": d.severity.value,
                "message": d.message,
            }
        )
    return json.dumps(items, indent=2, ensure_ascii=False)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(d: Diagnostic) -> str:
    """A workflow command, so the finding shows on the pull request's diff."""
    line, column = _position(d)
    level = "error" if d.severity is Severity.ERROR else "warning"
    rule = BY_CODE.get(d.code)
    title = f"{d.code} {rule.name}" if rule else (d.code or "decks")
    props = ",".join(
        f"{k}={_escape_property(v)}"
        for k, v in (("file", d.location.path), ("line", str(line)), ("col", str(column)))
    )
    return f"::{level} {props},title={_escape_property(title)}::{_escape_data(d.message)}"


def render(findings: Sequence[Diagnostic], fmt: str) -> str:
    """Every finding in one format; empty when there is nothing to say (JSON: `[]`)."""
    if fmt == "json":
        return as_json(findings) + "\n"
    line = github_line if fmt == "github" else text_line
    return "".join(line(d) + "\n" for d in findings)
