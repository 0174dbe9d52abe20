"""Benchmark: `decks build` against the genanki floor, side by side in one run.

The floor is genanki writing the very same notes, already rendered to HTML:
no Markdown, no highlighting, no checks. No genanki-based builder can beat it,
so the ratio says what our own stages cost. Each measurement runs in a fresh
process (a cold build, imports included) and the runs are interleaved so
machine noise hits both sides alike.

    python benchmarks/bench_build.py                 # 10,000 notes, 3 rounds, + 50,000 memory
    python benchmarks/bench_build.py --notes 2000 --rounds 1 --memory-notes 0
"""

from __future__ import annotations

import time

_START = time.perf_counter()  # before any import: a cold build pays for its imports

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

PER_FILE = 1000
TARGET_RATIO = 6.0
TARGET_MB = 200.0


def generate(root: Path, notes: int) -> Path:
    """Write a synthetic package of basic, cloze and code notes; return its decks/ folder."""
    package = root / "decks" / "bench"
    package.mkdir(parents=True)
    (package / "package.yaml").write_text("id: bench\ntitle: Bench\nversion: '1'\n")
    for start in range(0, notes, PER_FILE):
        parts = [f"---\ndeck: Part {start // PER_FILE:03d}\ntags: [bench]\n---\n"]
        for i in range(start, min(start + PER_FILE, notes)):
            kind = i % 10
            if kind < 5:
                parts.append(
                    f"## What does control {i} protect against? {{#basic-{i}}}\n\n"
                    f"It stops **attack {i}** by validating `input_{i}` at the trust "
                    f"boundary, logging each rejection, and alerting after "
                    f"{i % 7 + 3} failures in a minute.\n"
                )
            elif kind < 8:
                parts.append(
                    f"## The phases of playbook {i} {{#cloze-{i}}}\n\n"
                    f"1. {{{{c::Preparation}}}} of runbook {i}\n"
                    f"2. {{{{c::Detection and Analysis::two words}}}}\n"
                    f"3. {{{{c::Containment}}}}, then eradication\n"
                )
            else:
                parts.append(
                    f"## What is wrong with handler {i}? {{#code-{i}}}\n\n"
                    "```python\n"
                    f"def handler_{i}(request):\n"
                    "    user = request.args['user']\n"
                    "    query = f\"SELECT * FROM users WHERE name = '{user}'\"\n"
                    "    return db.execute(query)\n"
                    "```\n\n---\n\n"
                    "SQL injection: use a parameterized query.\n"
                )
        (package / f"part-{start // PER_FILE:03d}.md").write_text("\n".join(parts))
    return root / "decks"


def _own_peak_mb() -> float:
    """Peak resident memory of this process image.

    Linux carries ru_maxrss across exec, so a child started from a big parent
    would report the parent's size; VmHWM belongs to this image alone.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _usage() -> dict[str, float]:
    """Wall time since start, CPU time and peak memory of this process and its workers."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": time.perf_counter() - _START,
        "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
        "peak_mb": _own_peak_mb(),
        # Workers are forked, so this counts pages they share with the parent too.
        "worker_peak_mb": kids.ru_maxrss / 1024,
    }


def child_build(decks: Path, out: Path) -> None:
    """Time a whole cold `decks build` in this fresh process."""
    from builder.build import build

    jobs = os.environ.get("DECKS_BENCH_JOBS")
    build(decks, out, jobs=int(jobs) if jobs else None)
    print(json.dumps(_usage()))


def dump_rendered(decks: Path, target: Path) -> None:
    """Render the package once, untimed, and save the fields the floor will write."""
    from builder.build import load
    from builder.package import note_fields, note_guid

    (package,), _ = load(decks)
    rows = [
        {
            "deck": "::".join((package.meta.title, *n.deck)),
            "kind": n.kind.value,
            "fields": note_fields(n),
            "tags": list(n.tags),
            "guid": note_guid("bench", n.id),
            "cards": list(n.cloze_numbers),
        }
        for n in package.notes
    ]
    target.write_text(json.dumps(rows))


def child_floor(rendered: Path, out: Path) -> None:
    """Time genanki alone writing the same pre-rendered notes."""
    import genanki

    from builder import notetypes

    rows = json.loads(rendered.read_text())
    css = notetypes.css()
    models = {
        "basic": genanki.Model(
            notetypes.BASIC.id,
            notetypes.BASIC.name,
            fields=[{"name": f} for f in notetypes.BASIC.fields],
            templates=[
                {"name": "Card 1", "qfmt": notetypes.BASIC.front, "afmt": notetypes.BASIC.back}
            ],
            css=css,
        ),
        "cloze": genanki.Model(
            notetypes.CLOZE.id,
            notetypes.CLOZE.name,
            fields=[{"name": f} for f in notetypes.CLOZE.fields],
            templates=[
                {"name": "Cloze", "qfmt": notetypes.CLOZE.front, "afmt": notetypes.CLOZE.back}
            ],
            css=css,
            model_type=genanki.Model.CLOZE,
        ),
    }
    decks: dict[str, genanki.Deck] = {}
    for n, row in enumerate(rows):
        deck = decks.setdefault(row["deck"], genanki.Deck(10_000 + len(decks), row["deck"]))
        deck.add_note(
            genanki.Note(
                model=models[row["kind"]], fields=row["fields"], tags=row["tags"], guid=row["guid"]
            )
        )
        del n
    genanki.Package(list(decks.values())).write_to_file(str(out), timestamp=1_700_000_000)
    print(json.dumps(_usage()))


def _run(*args: str, jobs: int | None = None) -> dict[str, float]:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    if jobs is not None:
        env["DECKS_BENCH_JOBS"] = str(jobs)
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, env=env, check=True
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    """Run the comparison and print the ratio and peak memory."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory-notes", type=int, default=50_000)
    parser.add_argument("--child", nargs=3, metavar=("MODE", "IN", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, src, out = args.child
        {"build": child_build, "floor": child_floor}[mode](Path(src), Path(out))
        return

    with tempfile.TemporaryDirectory(prefix="decks-bench-") as scratch:
        root = Path(scratch)
        decks = generate(root / "src", args.notes)
        rendered = root / "rendered.json"
        dump_rendered(decks, rendered)
        builds, serial, floors = [], [], []
        for _ in range(args.rounds):
            builds.append(_run("--child", "build", str(decks), str(root / "dist")))
            serial.append(_run("--child", "build", str(decks), str(root / "dist"), jobs=1))
            floors.append(_run("--child", "floor", str(rendered), str(root / "floor.apkg")))
        floor_s = statistics.median(r["seconds"] for r in floors)
        print(
            f"notes: {args.notes:,} (median of {args.rounds} cold runs each; {os.cpu_count()} CPUs)"
        )
        print(f"  {'':22} {'wall':>7} {'cpu':>7} {'ratio':>7} {'peak':>9} {'children':>9}")
        for label, runs in (
            ("genanki floor", floors),
            ("decks build", builds),
            ("decks build --jobs 1", serial),
        ):
            wall = statistics.median(r["seconds"] for r in runs)
            cpu = statistics.median(r["cpu"] for r in runs)
            print(
                f"  {label:22} {wall:6.2f}s {cpu:6.2f}s {wall / floor_s:6.2f}x "
                f"{max(r['peak_mb'] for r in runs):6.1f} MB "
                f"{max(r['worker_peak_mb'] for r in runs):6.1f} MB"
            )
        ratio = statistics.median(r["seconds"] for r in builds) / floor_s
        print(f"  target: decks build within {TARGET_RATIO}x the floor: {ratio:.2f}x")
        ok = ratio <= TARGET_RATIO
        if args.memory_notes:
            big = generate(root / "big", args.memory_notes)
            peak = _run("--child", "build", str(big), str(root / "dist-big"))
            print(f"notes: {args.memory_notes:,}")
            print(
                f"  decks build {peak['seconds']:6.2f}s, peak {peak['peak_mb']:6.1f} MB, "
                f"each worker at most {peak['worker_peak_mb']:6.1f} MB "
                f"(target < {TARGET_MB:.0f} MB)"
            )
            ok = ok and max(peak["peak_mb"], peak["worker_peak_mb"]) < TARGET_MB
        print("PASS" if ok else "OVER TARGET")
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
