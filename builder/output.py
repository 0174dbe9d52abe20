"""Writing into dist/: stage beside it, then rename, so nothing there is ever half-written."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from builder.errors import OutputError
from builder.parse import display_path


def write_atomically(out_dir: Path, stage: Callable[[Path], list[Path]]) -> list[Path]:
    """Let `stage` write files into a scratch folder, then move them all into `out_dir`.

    The scratch folder sits beside `out_dir`, on the same filesystem, so each
    rename is atomic; every target is checked before the first rename, so a
    failure leaves `out_dir` as it was. Returns the final paths, in staging order.
    """
    parent = out_dir.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".decks-build-", dir=parent))
    except OSError as e:
        raise OutputError(f"cannot write next to {display_path(out_dir)}: {e.strerror}") from e
    try:
        staged = stage(scratch)
        out_dir.mkdir(parents=True, exist_ok=True)
        for path in staged:
            if (out_dir / path.name).is_dir():
                raise IsADirectoryError(21, "a folder is in the way", str(out_dir / path.name))
        final = []
        for path in staged:
            os.replace(path, out_dir / path.name)
            final.append(out_dir / path.name)
        return final
    except OSError as e:
        where = display_path(Path(e.filename)) if e.filename else display_path(out_dir)
        raise OutputError(f"cannot write {where}: {e.strerror or e}") from e
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
