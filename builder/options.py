"""Command-line options every `decks` command shares: how much it says."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def verbosity(func: F) -> F:
    """Add `-q/--quiet` and `-v/--verbose` to a command (passed as `quiet`, `verbose`)."""
    func = click.option("-v", "--verbose", is_flag=True, help="Say more about what was done.")(func)
    return click.option("-q", "--quiet", is_flag=True, help="Print only problems.")(func)


def check_verbosity(quiet: bool, verbose: bool) -> None:
    """Refuse `--quiet` together with `--verbose`."""
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot be used together")
