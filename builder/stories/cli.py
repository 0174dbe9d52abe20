"""`decks stories`: check, build and rehearse the candidate's own STAR stories."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import click

from builder.errors import Severity
from builder.options import check_verbosity, out_option, verbosity
from builder.parse import display_path
from builder.stories import rehearse as drill
from builder.stories.build import build_stories
from builder.stories.check import Options, check
from builder.stories.model import Finding, StoryErrors
from builder.stories.parse import read_stories
from builder.stories.report import Format, counts, render

STORIES_DIR = Path("stories")
PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


def _paths(paths: tuple[Path, ...]) -> list[Path]:
    return list(paths) or [STORIES_DIR]


def _fail(findings: Sequence[Finding], what: str) -> None:
    """Report findings with errors and stop with exit code 1."""
    for f in sorted(findings):
        click.echo(str(f), err=True)
    errors, _ = counts(findings)
    click.echo(f"{errors} error(s); {what}", err=True)
    sys.exit(1)


@click.group("stories")
def stories() -> None:
    """Your own STAR stories in stories/: check them, build your deck, rehearse."""


@stories.command("check", short_help="Lint stories; show their coverage of the principles.")
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
@click.option("--require-learning", is_flag=True, help="Every story needs a `## Learning`.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in Format]),
    default=Format.TEXT.value,
    show_default=True,
    help="Output format.",
)
@verbosity
@PATHS
def check_command(
    strict: bool,
    require_learning: bool,
    fmt: str,
    quiet: bool,
    verbose: bool,
    paths: tuple[Path, ...],
) -> None:
    """Check stories (default: stories/) and show how they cover the 16 principles."""
    check_verbosity(quiet, verbose)
    found, findings = read_stories(_paths(paths))
    if verbose:
        click.echo(f"{len(found)} stories read", err=True)
    more, cov = check(found, Options(require_learning=require_learning), date.today())
    findings = sorted(findings + more)
    report = render(Format(fmt), findings, cov, strict)
    if quiet and Format(fmt) is Format.TEXT:
        report = "\n".join(str(f) for f in findings)  # findings only, no coverage table
    if Format(fmt) is Format.TEXT:
        report = "\n".join(_highlight(line) for line in report.split("\n"))
    click.echo(report)  # styles are dropped when the output is not a terminal
    errors, warnings = counts(findings)
    if errors or (strict and warnings):
        sys.exit(1)


@stories.command("build", short_help="Compile your stories into OUT/my-stories.apkg.")
@out_option("dist", "Where my-stories.apkg goes.")
@verbosity
@PATHS
def build_command(out: Path, quiet: bool, verbose: bool, paths: tuple[Path, ...]) -> None:
    """Compile your stories (default: stories/) into OUT/my-stories.apkg."""
    check_verbosity(quiet, verbose)
    try:
        target, findings = build_stories(_paths(paths), out)
    except StoryErrors as e:
        _fail(e.findings, "nothing was written")
    for f in findings:
        click.echo(str(f), err=True)
    if not quiet:
        click.echo(f"wrote {display_path(target)}")
    if verbose:
        click.echo(f"from {len(_paths(paths))} path(s): {', '.join(map(str, _paths(paths)))}")


@stories.command("rehearse", short_help="Time a spoken answer against the STAR targets.")
@click.option("--principle", help="Rehearse this principle (a prompt or story serving it).")
@click.option("--story", "story_id", help="Rehearse this story of yours (its id).")
@click.option(
    "--from-stories", is_flag=True, help="Pick one of your stories instead of a deck prompt."
)
@click.option("--seed", type=int, help="Make the pick reproducible.")
@click.option(
    "--decks-dir",
    type=click.Path(path_type=Path),
    default=Path("decks"),
    show_default=True,
    help="Folder holding the flagship package.",
)
@click.option(
    "--package", default="phone-screen", show_default=True, help="The package with the prompts."
)
@verbosity
@PATHS
def rehearse_command(
    principle: str | None,
    story_id: str | None,
    from_stories: bool,
    seed: int | None,
    decks_dir: Path,
    package: str,
    quiet: bool,
    verbose: bool,
    paths: tuple[Path, ...],
) -> None:
    """Time your spoken answer to a prompt, section by section, then compare with your outline."""
    check_verbosity(quiet, verbose)  # the drill is interactive: both only shape the extras
    found, findings = read_stories(_paths(paths))
    if any(f.severity is Severity.ERROR for f in findings):
        _fail(findings, "fix them first (decks stories check)")
    wanted = drill.principle_named(principle) if principle else None
    pick_story = from_stories or story_id is not None
    prompts = [] if pick_story else drill.load_prompts(decks_dir, package)
    chosen = drill.choose(
        prompts, found, from_stories=from_stories, principle=wanted, story_id=story_id, seed=seed
    )
    if verbose:
        click.echo(f"picked from {len(prompts)} deck prompts and {len(found)} stories", err=True)
    drill.run(chosen, read=_read_line, clock_now=time.monotonic, write=click.echo)


def _highlight(line: str) -> str:
    """Colour what needs attention in the text report."""
    if ": error S" in line:
        return click.style(line, fg="red")
    if ": warning S" in line or "!! " in line:
        return click.style(line, fg="yellow")
    return line


def _read_line() -> str | None:
    """One line of the candidate's input, None at the end of input."""
    line = sys.stdin.readline()
    return line or None
