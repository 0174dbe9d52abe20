"""The `decks` command: parses options, calls the API, maps errors to messages and exit codes."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import click

from builder.build import build, load
from builder.diff import diff_paths
from builder.errors import BuilderError, Diagnostic, OutputError, SourceErrors
from builder.parse import display_path
from builder.release import make_release

DECKS_DIR = click.option(
    "--decks-dir",
    type=click.Path(path_type=Path),
    default=Path("decks"),
    show_default=True,
    help="Folder holding the package folders.",
)
PACKAGES = click.argument("packages", nargs=-1)
JOBS = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for parsing big packages [default: one per CPU when it pays].",
)


def _version() -> str:
    try:
        return version("anki-phone-screen-decks")
    except PackageNotFoundError:
        return "unknown"


def _report(findings: Sequence[Diagnostic]) -> None:
    for finding in findings:
        click.echo(str(finding), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), prog_name="decks")
def cli() -> None:
    """Compile Markdown flashcards under decks/ into Anki packages."""


@cli.command("build")
@DECKS_DIR
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Where the .apkg files go.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@JOBS
@click.option(
    "--previous",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Folder with the previous release's manifests: unchanged notes keep their time.",
)
@PACKAGES
def build_command(
    decks_dir: Path,
    out: Path,
    quiet: bool,
    jobs: int | None,
    previous: Path | None,
    packages: tuple[str, ...],
) -> None:
    """Build every package (or the named ones) into OUT/<package>.apkg and its manifest."""
    written, findings = build(decks_dir, out, packages, jobs, previous)
    _report(findings)
    if not quiet:
        for path in written:
            click.echo(f"wrote {display_path(path)}")


@cli.command("check")
@DECKS_DIR
@JOBS
@PACKAGES
def check_command(decks_dir: Path, jobs: int | None, packages: tuple[str, ...]) -> None:
    """Run every check on the sources and write nothing."""
    loaded, findings = load(decks_dir, packages, jobs)
    _report(findings)
    notes = sum(len(p.notes) for p in loaded)
    click.echo(f"{len(loaded)} package(s), {notes} notes: no errors")


@cli.command("diff")
@click.argument("old", type=click.Path(path_type=Path, exists=True))
@click.argument("new", type=click.Path(path_type=Path, exists=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the release notes here instead of printing them.",
)
def diff_command(old: Path, new: Path, output: Path | None) -> None:
    """Release notes (Markdown) from two manifests, two .apkg files, or two folders."""
    text = diff_paths(old, new)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@cli.command("release")
@DECKS_DIR
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Where the release files go.",
)
@click.option(
    "--previous",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Folder with the previous release's manifests.",
)
def release_command(decks_dir: Path, out: Path, previous: Path | None) -> None:
    """Build twice and compare, write release notes and SHA256SUMS; show what would ship."""
    result = make_release(decks_dir, out, previous)
    click.echo("would publish:")
    for path in [*result.files, result.sums]:
        click.echo(f"  {display_path(path)}  ({path.stat().st_size:,} bytes)")
    click.echo(f"release notes: {display_path(result.notes)}")
    click.echo("two builds of the same sources are byte-identical")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI and turn every failure into a message and exit code 1."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None, prog_name="decks", standalone_mode=False
        )
    except SourceErrors as e:
        _report(e.diagnostics)
        count = len([d for d in e.diagnostics if d.severity.value == "error"])
        click.echo(f"{count} error(s); nothing was written", err=True)
        sys.exit(1)
    except OutputError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    except BuilderError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(1)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except Exception:  # a bug of ours: say so briefly; DECKS_DEBUG=1 shows the traceback
        if os.environ.get("DECKS_DEBUG"):
            traceback.print_exc()
        click.echo(
            "internal error in the deck builder; run again with DECKS_DEBUG=1 and report it",
            err=True,
        )
        sys.exit(2)
