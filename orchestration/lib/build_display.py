"""What `tsw build` shows a seller: one progress display, a short summary in plain words, the full log in a file.

Everything the pipeline prints (Dagster's per-step DEBUG lines, dbt's line per model and test, Great
Expectations, Python warnings, child processes) is captured at the file-descriptor level into
`$TSW_HOME/logs/build-<time>.log` (colour codes stripped); `--verbose` also echoes it live. The progress
display is drawn from the run's own events in the Dagster instance (polled twice a second): stages, steps,
files and rows loaded, dbt models and tests, elapsed time. On a terminal it is a live `rich` display; when
the output is redirected it is a few plain lines without colour codes.

Nothing here decides what a build does: `orchestration/build.py` runs it.


This module: the log file and the capture of everything printed. The progress model is in build_progress.py,
its drawing in build_view.py, the summary in build_summary.py.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import threading
from pathlib import Path
from typing import Self, TextIO

from orchestration import settings

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
LOGS_KEPT = 20
# The summary lists this many warnings or failures in full; the rest are counted (all are in the log).
MAX_LISTED = 8


def strip_ansi(text: str) -> str:
    return ANSI_ESCAPE.sub("", text)


def logs_dir() -> Path:
    return settings.tsw_home() / "logs"


def new_log_path(kind: str = "build") -> Path:
    """A fresh log file under $TSW_HOME/logs/ (the oldest beyond LOGS_KEPT are removed)."""
    folder = logs_dir()
    folder.mkdir(parents=True, exist_ok=True)
    old = sorted(folder.glob(f"{kind}-*.log"))
    for stale in old[: max(0, len(old) - (LOGS_KEPT - 1))]:
        stale.unlink(missing_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"{kind}-{stamp}.log"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{kind}-{stamp}-{n}.log"
    return path


class OutputCapture:
    """Send everything written to stdout/stderr (this process and its children) to `log_path`.

    Works at the descriptor level (dup2 onto a pipe), so dbt's subprocess output, Dagster's console
    logger and C-level writes are all caught. `echo` (a stream opened before capturing) gets the same
    text live — colour codes kept only when it is a terminal.
    """

    def __init__(self, log_path: Path, echo: TextIO | None = None):
        self.log_path = log_path
        self.echo = echo
        self._saved: tuple[int, int] | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Self:
        sys.stdout.flush()
        sys.stderr.flush()
        self._log = open(self.log_path, "a", encoding="utf-8")  # closed in __exit__
        self._saved = (os.dup(1), os.dup(2))
        read_end, write_end = os.pipe()
        os.dup2(write_end, 1)
        os.dup2(write_end, 2)
        os.close(write_end)
        self._thread = threading.Thread(target=self._pump, args=(read_end,), name="build-log", daemon=True)
        self._thread.start()
        return self

    def _pump(self, read_end: int) -> None:
        echo_raw = bool(self.echo and self.echo.isatty())
        with os.fdopen(read_end, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                text = chunk.decode("utf-8", errors="replace")
                clean = strip_ansi(text)
                self._log.write(clean)
                self._log.flush()
                if self.echo is not None:
                    self.echo.write(text if echo_raw else clean)
                    self.echo.flush()

    def __exit__(self, *exc) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        assert self._saved is not None
        # Restoring 1 and 2 closes this process's last handles on the pipe: the pump sees EOF.
        os.dup2(self._saved[0], 1)
        os.dup2(self._saved[1], 2)
        os.close(self._saved[0])
        os.close(self._saved[1])
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._log.close()


def terminal_stream() -> TextIO:
    """A stream on the real stdout, still pointing at the terminal (or file) while output is captured."""
    return os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8", errors="replace")
