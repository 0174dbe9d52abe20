"""The `decks` command: parses options, calls the API, maps errors to messages and exit codes.

Each command is a thin function registered on the `cli` group; another module
adds its own with `cli.add_command(...)` (see the end of this file).
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
import webbrowser
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import click

from builder import ids as note_ids
from builder import preview as preview_site
from builder.build import build, load
from builder.diff import diff_paths
from builder.errors import BuilderError, Diagnostic, OutputError, SourceErrors
from builder.lint import check
from builder.options import PREVIOUS, check_verbosity, out_option, verbosity
from builder.parse import display_path
from builder.progress import Bar, Progress
from builder.release import make_release
from builder.report import FORMATS, render, text_line
from builder.rules import ALL
from builder.scaffold import new_deck, new_package
from builder.stats import render_text, stats
from builder.stories.cli import stories

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


@contextmanager
def _progress(quiet: bool) -> Iterator[Progress | None]:
    """A progress bar on stderr, only for a person watching a terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    bar = Bar(sys.stderr)
    try:
        yield bar
    finally:
        bar.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), prog_name="decks")
def cli() -> None:
    """Compile Markdown flashcards under decks/ into Anki packages."""


@cli.command("build")
@DECKS_DIR
@out_option("dist", "Where the .apkg files go.")
@verbosity
@JOBS
@PREVIOUS
@PACKAGES
def build_command(
    decks_dir: Path,
    out: Path,
    quiet: bool,
    verbose: bool,
    jobs: int | None,
    previous: Path | None,
    packages: tuple[str, ...],
) -> None:
    """Build every package (or the named ones) into OUT/<package>.apkg and its manifest."""
    check_verbosity(quiet, verbose)
    started = time.perf_counter()
    with _progress(quiet) as progress:
        written, findings = build(decks_dir, out, packages, jobs, previous, progress)
    _report(findings)
    if not quiet:
        for path in written:
            click.echo(f"wrote {display_path(path)}")
    if verbose:
        click.echo(f"built {len(written)} package(s) in {time.perf_counter() - started:.2f} s")


def _list_rules() -> None:
    for rule in ALL:
        click.echo(f"{rule.code}  {rule.severity.value:<7}  {rule.name:<26}  {rule.summary}")


@cli.command("check")
@DECKS_DIR
@click.option("--strict", is_flag=True, help="Warnings fail the check too (exit code 1).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text: file:line:col: CODE message; json; github: workflow annotations.",
)
@click.option("--list-rules", is_flag=True, help="List every rule code and exit.")
@verbosity
@JOBS
@PACKAGES
def check_command(
    decks_dir: Path,
    strict: bool,
    fmt: str,
    list_rules: bool,
    quiet: bool,
    verbose: bool,
    jobs: int | None,
    packages: tuple[str, ...],
) -> None:
    """Check the sources and lint every card; write nothing. Exit 1 on errors."""
    check_verbosity(quiet, verbose)
    if list_rules:
        _list_rules()
        return
    result = check(decks_dir, packages, jobs)
    click.echo(render(result.findings, fmt), nl=False)
    if verbose:
        for package in result.package_names:
            click.echo(f"checked {package}", err=True)
    if not quiet:
        click.echo(result.summary(strict), err=True)
    if result.failed(strict):
        sys.exit(1)


@cli.command("ids")
@DECKS_DIR
@click.option("--write", "mode", flag_value="write", help="Pin every unpinned note's id.")
@click.option("--check", "mode", flag_value="check", help="Fail when a note has no pinned id.")
@verbosity
@JOBS
@PACKAGES
def ids_command(
    decks_dir: Path,
    mode: str | None,
    quiet: bool,
    verbose: bool,
    jobs: int | None,
    packages: tuple[str, ...],
) -> None:
    """List notes without a pinned {#id}; --write pins them, --check fails on them."""
    check_verbosity(quiet, verbose)
    if mode == "write":
        pins = note_ids.pin_all(decks_dir, packages, jobs)
        if verbose:
            for pin in pins:
                click.echo(f"{pin.location}: pinned {{#{pin.note_id}}}")
        if not quiet:
            files = len({pin.path for pin in pins})
            click.echo(f"pinned {len(pins)} note id(s) in {files} file(s)")
        return
    pins = note_ids.unpinned(decks_dir, packages, jobs)
    for finding in note_ids.findings(pins):
        click.echo(text_line(finding))
    if not quiet:
        if pins:
            click.echo(
                f"{len(pins)} note(s) without a pinned id; `decks ids --write` pins them", err=True
            )
        else:
            click.echo("every note has a pinned id", err=True)
    if mode == "check" and pins:
        sys.exit(1)


@cli.command("preview")
@DECKS_DIR
@out_option("dist/preview", "Folder for the preview site.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a web browser.")
@click.option("--watch", is_flag=True, help="Rebuild whenever a file under --decks-dir changes.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.05),
    default=0.5,
    show_default=True,
    help="Seconds between checks for changes with --watch.",
)
@verbosity
@JOBS
@PACKAGES
def preview_command(
    decks_dir: Path,
    out: Path,
    open_browser: bool,
    watch: bool,
    interval: float,
    quiet: bool,
    verbose: bool,
    jobs: int | None,
    packages: tuple[str, ...],
) -> None:
    """Write a static HTML preview of every card, as Anki shows it, to OUT/index.html."""
    check_verbosity(quiet, verbose)
    with _progress(quiet) as progress:
        result = preview_site.build_preview(decks_dir, out, packages, jobs, progress)
    _report(result.findings)
    if not quiet:
        click.echo(
            f"wrote {display_path(result.index)} ({result.cards} cards from {result.notes} notes)"
        )
    if verbose:
        for name, notes, cards in result.per_package:
            click.echo(f"  {name}: {cards} cards from {notes} notes")
    if open_browser:
        webbrowser.open(result.index.resolve().as_uri())
    if not watch:
        return

    def rebuild() -> None:
        outcome = preview_site.preview_or_errors(decks_dir, out, packages, jobs)
        stamp = time.strftime("%H:%M:%S")
        if isinstance(outcome, SourceErrors):
            _report(outcome.diagnostics)
            click.echo(
                f"{stamp} {len(outcome.diagnostics)} problem(s); preview not updated", err=True
            )
        elif not quiet:
            click.echo(f"{stamp} rebuilt {display_path(outcome.index)} ({outcome.cards} cards)")

    if not quiet:
        click.echo(f"watching {display_path(decks_dir)} for changes; Ctrl-C stops")
    try:
        preview_site.watch(decks_dir, rebuild, interval=interval)
    except KeyboardInterrupt:
        if verbose:
            click.echo("stopped watching")


@cli.command("stats")
@DECKS_DIR
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@verbosity
@JOBS
@PACKAGES
def stats_command(
    decks_dir: Path,
    as_json: bool,
    quiet: bool,
    verbose: bool,
    jobs: int | None,
    packages: tuple[str, ...],
) -> None:
    """Notes and cards per package, deck, note type and tag, as Anki counts them."""
    check_verbosity(quiet, verbose)
    loaded, findings = load(decks_dir, packages, jobs)
    _report(findings)
    data = stats(loaded)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(data, quiet=quiet, verbose=verbose), nl=False)


@cli.group("new")
def new_group() -> None:
    """Scaffold a package or a deck file that passes `decks check --strict` as it stands."""


@new_group.command("package")
@DECKS_DIR
@click.option("--title", default=None, help="Root deck name [default: from NAME].")
@verbosity
@click.argument("name")
def new_package_command(
    decks_dir: Path, title: str | None, quiet: bool, verbose: bool, name: str
) -> None:
    """Create DECKS_DIR/NAME/ with a package.yaml and a first deck file."""
    check_verbosity(quiet, verbose)
    created = new_package(decks_dir, name, title)
    _created(created, quiet, verbose)


@new_group.command("deck")
@DECKS_DIR
@click.option(
    "--deck", "deck_name", default=None, help="Deck name, e.g. `Technical::Threat Modeling`."
)
@verbosity
@click.argument("package")
@click.argument("file")
def new_deck_command(
    decks_dir: Path, deck_name: str | None, quiet: bool, verbose: bool, package: str, file: str
) -> None:
    """Create the deck file FILE (e.g. technical/topic.md) in the package PACKAGE."""
    check_verbosity(quiet, verbose)
    created = new_deck(decks_dir, package, file, deck_name)
    _created([created], quiet, verbose)


def _created(paths: list[Path], quiet: bool, verbose: bool) -> None:
    if quiet:
        return
    for path in paths:
        click.echo(f"created {display_path(path)}")
    if verbose:
        click.echo("next: edit the notes, then run `decks check --strict` and `decks preview`")


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
@verbosity
def diff_command(old: Path, new: Path, output: Path | None, quiet: bool, verbose: bool) -> None:
    """Release notes (Markdown) from two manifests, two .apkg files, or two folders."""
    check_verbosity(quiet, verbose)
    text = diff_paths(old, new)
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as e:
            raise OutputError(f"cannot write {display_path(output)}: {e.strerror or e}") from e
        if verbose:
            click.echo(f"wrote {display_path(output)}", err=True)


@cli.command("release")
@DECKS_DIR
@out_option("dist", "Where the release files go.")
@PREVIOUS
@verbosity
def release_command(
    decks_dir: Path, out: Path, previous: Path | None, quiet: bool, verbose: bool
) -> None:
    """Build twice and compare, write release notes and SHA256SUMS; show what would ship."""
    check_verbosity(quiet, verbose)
    result = make_release(decks_dir, out, previous)
    if quiet:
        return
    click.echo("would publish:")
    for path in [*result.files, result.sums]:
        click.echo(f"  {display_path(path)}  ({path.stat().st_size:,} bytes)")
    click.echo(f"release notes: {display_path(result.notes)}")
    click.echo("two builds of the same sources are byte-identical")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI and turn every failure into a message and exit code 1."""
    try:
        code = cli.main(
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
    # Outside standalone mode click returns, rather than raises, a command's `ctx.exit(n)`.
    if isinstance(code, int) and code:
        sys.exit(code)


cli.add_command(stories)  # `decks stories …`: the STAR story bank, in its own package
