"""The progress display of `tsw build`: a live `rich` view on a terminal, a few plain lines when redirected.
"""

from __future__ import annotations

import threading
import time
from typing import Self, TextIO

from orchestration.lib.build_progress import RunTracker


# ---------------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------------
def _fmt_seconds(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


class BuildView:
    """A live rich display on a terminal; plain lines (one per finished stage) otherwise."""

    HEARTBEAT_S = 30.0

    def __init__(self, stream: TextIO, *, live: bool):
        from rich.console import Console

        self.stream = stream
        self.is_tty = stream.isatty()
        self.live = live and self.is_tty
        self.console = Console(file=stream, force_terminal=self.is_tty, no_color=not self.is_tty,
                               highlight=False, soft_wrap=not self.is_tty)
        self.started = time.time()
        self._lock = threading.Lock()
        self._progress = None
        self._tasks: dict[str, int] = {}
        self._printed: set[str] = set()
        self._last_heartbeat = time.time()
        self._loading = None
        self._plain_started = False

    # -- lifecycle ---------------------------------------------------------------------------------
    def __enter__(self) -> Self:
        if self.live:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

            self._progress = Progress(
                SpinnerColumn(finished_text="[green]✓[/]"),
                TextColumn("{task.description}"),
                BarColumn(bar_width=24),
                MofNCompleteColumn(),
                TextColumn("{task.fields[detail]}"),
                TextColumn("[dim]{task.fields[elapsed]}[/]"),
                console=self.console,
                refresh_per_second=4,
                # Output is captured at the descriptor level into the log; rich must not reroute it.
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._progress.start()
            self._loading = self._progress.add_task("Loading the pipeline (Dagster, dbt manifest)", total=None,
                                                    detail="", elapsed="")
        else:
            self.line("Loading the pipeline (Dagster, dbt manifest)…")
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()

    # -- output ------------------------------------------------------------------------------------
    def line(self, text: str = "") -> None:
        with self._lock:
            self.console.print(text, markup=False)

    def note(self, text: str) -> None:
        self.line(text)

    def update(self, tracker: RunTracker) -> None:
        with self._lock:
            if self._progress is not None:
                self._update_live(tracker)
            else:
                self._update_plain(tracker)

    def _update_live(self, tracker: RunTracker) -> None:
        if not tracker.planned:
            return
        if self._loading is not None:
            self._progress.update(self._loading, visible=False)
            self._progress.stop_task(self._loading)
            self._loading = None
        now = time.time()
        for name, stage in tracker.stages.items():
            if stage.total == 0:
                continue
            done, total = stage.progress()
            elapsed = _fmt_seconds(stage.elapsed(now)) if stage.started_at else "waiting"
            if name not in self._tasks:
                self._tasks[name] = self._progress.add_task(stage.label, total=total, completed=done,
                                                            detail=stage.detail(), elapsed=elapsed)
            else:
                self._progress.update(self._tasks[name], total=total, completed=done if not stage.finished else total,
                                      detail=stage.detail(), elapsed=elapsed)

    def _update_plain(self, tracker: RunTracker) -> None:
        now = time.time()
        if not tracker.planned:
            return
        if not self._plain_started:
            self._plain_started = True
            self._last_heartbeat = now
        for name, stage in tracker.stages.items():
            if stage.finished and name not in self._printed:
                self._printed.add(name)
                done, total = stage.progress()
                detail = stage.detail()
                self.console.print(f"done  {stage.label}: {done}/{total}"
                                   f"{', ' + detail if detail else ''} ({_fmt_seconds(stage.elapsed())})",
                                   markup=False)
                self._last_heartbeat = now
        if now - self._last_heartbeat >= self.HEARTBEAT_S:
            running = [s for s in tracker.stages.values() if s.running and not s.finished]
            if running:
                s = running[0]
                done, total = s.progress()
                detail = s.detail()
                self.console.print(f"...   {s.label}: {done}/{total}{', ' + detail if detail else ''} "
                                   f"(running {_fmt_seconds(s.elapsed(now))})", markup=False)
            self._last_heartbeat = now
