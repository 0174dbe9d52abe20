"""Command-line options every `decks` command shares: how much it says."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def verbosity(func: F) -> F:
    """Add `-q/--quiet` and `-v/--verbose` to a command (passed as `quiet`, `verbose`)."""
    func = click.option("-v", "--verbose", is_flag=True, help="Say more about what was done.")(func)
    return click.option("-q", "--quiet", is_flag=True, help="Print only problems.")(func)


def out_option(default: str, what: str) -> Callable[[F], F]:
    """`--out`: where a command writes."""
    return click.option(
        "--out",
        type=click.Path(path_type=Path),
        default=Path(default),
        show_default=True,
        help=what,
    )


PREVIOUS = click.option(
    "--previous",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Folder with the previous release's manifests: unchanged notes keep their time.",
)


def check_verbosity(quiet: bool, verbose: bool) -> None:
    """Refuse `--quiet` together with `--verbose`."""
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot be used together")
