"""Progress reporting: the callback the pipeline calls, and a one-line bar for terminals."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

Progress = Callable[[str, int, int], None]
"""Called as `progress(stage, done, total)`: e.g. `("reading phone-screen", 3, 13)`."""

WIDTH = 24
MIN_INTERVAL = 0.1  # seconds between redraws: a fast stage must not flood a slow terminal


class Bar:
    """A progress bar redrawn in place on one terminal line, erased when done."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.last_draw = 0.0
        self.last_stage = ""
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        final = done >= total
        if stage == self.last_stage and not final and now - self.last_draw < MIN_INTERVAL:
            return
        self.last_stage, self.last_draw = stage, now
        filled = WIDTH * done // total if total else WIDTH
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.stream.write(f"\r\x1b[2K{stage} [{bar}] {done}/{total}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """Erase the bar so the command's own output starts on a clean line."""
        if self.shown:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.shown = False
