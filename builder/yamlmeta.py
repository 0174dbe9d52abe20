"""YAML mappings read with the line of every key, for `package.yaml` and front matter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode


@dataclass(frozen=True, slots=True)
class Entry:
    """One key of a YAML mapping: its value, raw scalar text and line."""

    value: Any
    raw: str | None
    """The scalar exactly as written (`1.10` stays `1.10`), or None for collections."""
    line: int


class YamlProblem(Exception):
    """Raised when a YAML document is malformed or is not a mapping."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def load_mapping(text: str, first_line: int) -> dict[str, Entry]:
    """Parse a YAML mapping whose first line is `first_line` of its file."""
    try:
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as e:  # unprintable characters are rejected before parsing
        raise YamlProblem(first_line, f"malformed YAML: {e}") from e
    try:
        node = loader.get_single_node()
        if node is None:
            return {}
        if not isinstance(node, MappingNode):
            raise YamlProblem(
                first_line + node.start_mark.line, "expected a mapping of `key: value` lines"
            )
        entries: dict[str, Entry] = {}
        for key_node, value_node in node.value:
            line = first_line + key_node.start_mark.line
            if not isinstance(key_node, ScalarNode):
                raise YamlProblem(line, "keys must be plain names")
            key = str(key_node.value)
            if key in entries:
                raise YamlProblem(
                    line, f"`{key}` is given twice (first on line {entries[key].line})"
                )
            value = loader.construct_object(value_node, deep=True)
            raw = value_node.value if isinstance(value_node, ScalarNode) else None
            entries[key] = Entry(value, raw, line)
        return entries
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = first_line + (mark.line if mark else 0)
        message = f"malformed YAML: {e.problem or e.context}"
        if e.context and e.context_mark and e.context_mark.line != (mark.line if mark else 0):
            message += f" ({e.context} on line {first_line + e.context_mark.line})"
        raise YamlProblem(line, message) from e
    except yaml.YAMLError as e:
        raise YamlProblem(first_line, f"malformed YAML: {e}") from e
    finally:
        loader.dispose()
