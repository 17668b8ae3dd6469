"""What `tsw build` shows a seller: one progress display, a short summary in plain words, the full log in a file.

Everything the pipeline prints (Dagster's per-step DEBUG lines, dbt's line per model and test, Great
Expectations, Python warnings, child processes) is captured at the file-descriptor level into
`$TSW_HOME/logs/build-<time>.log` (colour codes stripped); `--verbose` also echoes it live. The progress
display is drawn from the run's own events in the Dagster instance (polled twice a second): stages, steps,
files and rows loaded, dbt models and tests, elapsed time. On a terminal it is a live `rich` display; when
the output is redirected it is a few plain lines without colour codes.

Nothing here decides what a build does: `orchestration/build.py` runs it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
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


# ---------------------------------------------------------------------------------------------------
# Stages and what each has done, from the run's events
# ---------------------------------------------------------------------------------------------------
STAGE_LABELS = {
    "reference": "Articles and reference data",
    "exports": "Seller exports",
    "checks": "Data checks (Great Expectations, freshness)",
    "dbt": "dbt models and tests",
    "analysis": "Analysis (spillover estimates)",
    "publish": "Publish for readers",
}


def stage_of(step_key: str, export_steps: set[str]) -> str:
    if step_key == "published_snapshot":
        return "publish"
    if step_key == "dbt_models":
        return "dbt"
    if "_gx_" in step_key or step_key.startswith("freshness_check"):
        return "checks"
    if step_key in export_steps:
        return "exports"
    if step_key.startswith("marts__"):
        return "analysis"
    return "reference"


@dataclass
class CheckOutcome:
    asset: str
    name: str
    passed: bool
    warn: bool
    failed_rows: int | None
    unique_id: str | None

    @property
    def key(self) -> str:
        return f"{self.asset}:{self.name}"


@dataclass
class Stage:
    name: str
    total: int = 0
    done: int = 0
    running: int = 0
    failed: int = 0
    started_at: float | None = None
    finished_at: float | None = None
    files: int = 0
    files_quarantined: int = 0
    rows: int = 0
    rows_quarantined: int = 0
    models: int = 0
    models_total: int = 0
    tests: int = 0
    tests_total: int = 0
    tests_failed: int = 0

    @property
    def label(self) -> str:
        return STAGE_LABELS[self.name]

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.done >= self.total

    def progress(self) -> tuple[int, int]:
        if self.name == "dbt" and self.models_total:
            return min(self.models, self.models_total), self.models_total
        return self.done, self.total

    def detail(self) -> str:
        parts: list[str] = []
        if self.name == "exports":
            parts.append(f"{self.files:,} new file{'s' if self.files != 1 else ''}")
            parts.append(f"{self.rows:,} rows loaded")
            if self.rows_quarantined:
                parts.append(f"{self.rows_quarantined:,} rows quarantined")
            if self.files_quarantined:
                parts.append(f"{self.files_quarantined:,} files quarantined")
        elif self.name == "dbt":
            parts.append(f"{self.tests} tests run")
            if self.tests_failed:
                parts.append(f"{self.tests_failed} not passed")
        if self.failed:
            parts.append(f"{self.failed} step{'s' if self.failed != 1 else ''} FAILED")
        return ", ".join(parts)

    def elapsed(self, now: float | None = None) -> float:
        if self.started_at is None:
            return 0.0
        return (self.finished_at or now or time.time()) - self.started_at


@dataclass
class RunTracker:
    """Folds the run's event records into stages, check outcomes and seller-facing warnings."""

    export_steps: set[str]
    stages: dict[str, Stage] = field(default_factory=lambda: {n: Stage(n) for n in STAGE_LABELS})
    checks: dict[str, CheckOutcome] = field(default_factory=dict)
    file_messages: list[str] = field(default_factory=list)
    planned: bool = False

    def plan(self, steps: Iterable) -> None:
        for step in steps:
            stage = self.stages[stage_of(step.key, self.export_steps)]
            stage.total += 1
            if step.key == "dbt_models":
                for out in step.outputs:
                    props = out.properties
                    if props is None:
                        continue
                    if props.asset_check_key is not None:
                        stage.tests_total += 1
                    elif props.is_asset:
                        stage.models_total += 1
        self.planned = True

    def add(self, entry) -> None:
        event = entry.dagster_event
        step = entry.step_key
        if step is None:
            return
        stage = self.stages[stage_of(step, self.export_steps)]
        if event is None:
            if entry.level >= 30 and stage.name == "exports" and entry.user_message:
                self.file_messages.append(entry.user_message.strip())
            return
        kind = event.event_type_value
        now = entry.timestamp
        if kind == "STEP_START":
            stage.started_at = stage.started_at or now
            stage.running += 1
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
            stage.done += 1
            stage.running = max(0, stage.running - 1)
            stage.failed += kind == "STEP_FAILURE"
            if stage.finished:
                stage.finished_at = now
        elif kind == "ASSET_MATERIALIZATION":
            meta = {k: getattr(v, "value", v) for k, v in event.event_specific_data.materialization.metadata.items()}
            if stage.name == "exports":
                stage.files += int(meta.get("files_loaded") or 0)
                stage.files_quarantined += int(meta.get("files_quarantined") or 0)
                stage.rows += int(meta.get("rows_loaded") or 0)
                stage.rows_quarantined += int(meta.get("rows_quarantined") or 0)
            elif stage.name == "dbt":
                stage.models += 1
        elif kind == "ASSET_CHECK_EVALUATION":
            ev = event.event_specific_data
            meta = {k: getattr(v, "value", v) for k, v in (ev.metadata or {}).items()}
            outcome = CheckOutcome(
                asset=ev.asset_key.to_user_string(), name=ev.check_name, passed=bool(ev.passed),
                warn=str(getattr(ev.severity, "value", ev.severity)).upper() == "WARN",
                failed_rows=_int_or_none(meta.get("dagster_dbt/failed_row_count")),
                unique_id=meta.get("unique_id"),
            )
            self.checks[outcome.key] = outcome
            if stage.name == "dbt":
                stage.tests += 1
                stage.tests_failed += not outcome.passed
        elif kind == "ASSET_OBSERVATION" and stage.name == "dbt":
            # dbt tests dagster-dbt cannot attach to one asset arrive as observations.
            stage.tests += 1


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ProgressPoller:
    """Reads the run's new events from the Dagster instance twice a second and redraws the display."""

    def __init__(self, run_id: str, view: BuildView, interval_s: float = 0.5):
        self.run_id = run_id
        self.view = view
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="build-progress", daemon=True)
        self.tracker: RunTracker | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=15)

    def _loop(self) -> None:
        try:
            from orchestration.formats import load_formats
            from orchestration.lib.dagster_instance import project_instance

            self.tracker = RunTracker(export_steps={f"raw__{f.raw_table}" for f in load_formats()})
            instance = project_instance()
            cursor = None
            while True:
                stopping = self._stop.is_set()
                cursor = self._poll(instance, cursor)
                self.view.update(self.tracker)
                if stopping:
                    return
                self._stop.wait(self.interval_s)
        except Exception as exc:  # noqa: BLE001 - the display must never break a build
            self.view.note(f"(progress display stopped: {exc})")

    def _poll(self, instance, cursor):
        tracker = self.tracker
        if not tracker.planned:
            run = instance.get_run_by_id(self.run_id)
            if run is None or run.execution_plan_snapshot_id is None:
                return cursor
            snapshot = instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id)
            tracker.plan(snapshot.steps)
        while True:
            conn = instance.get_records_for_run(self.run_id, cursor=cursor, limit=1000)
            for record in conn.records:
                tracker.add(record.event_log_entry)
            cursor = conn.cursor or cursor
            if not conn.has_more:
                return cursor


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


# ---------------------------------------------------------------------------------------------------
# Plain words for checks that did not pass
# ---------------------------------------------------------------------------------------------------
_LEADING_VERBS = ("warns about ", "catches ", "fails when ", "fails if ", "checks that ")


def _manifest_tests(manifest_path: Path) -> dict[str, dict]:
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {uid: node for uid, node in manifest.get("nodes", {}).items() if node.get("resource_type") == "test"}


def _header_sentence(raw_code: str) -> str:
    """The first sentence of a singular test's leading `--` comment."""
    lines = []
    for line in raw_code.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            break
        lines.append(stripped.lstrip("-").strip())
    text = " ".join(lines)
    match = re.match(r"(.+?[a-z0-9)])(?:[.:;](?:\s|$)|$)", text)
    sentence = (match.group(1) if match else text).strip()
    for verb in _LEADING_VERBS:
        if sentence.lower().startswith(verb):
            sentence = sentence[len(verb):]
            break
    return sentence[:1].upper() + sentence[1:]


def _ref_name(text: str | None) -> str:
    match = re.search(r"ref\(['\"]([^'\"]+)['\"]\)", text or "")
    return match.group(1) if match else (text or "")


def describe_check(outcome: CheckOutcome, tests: dict[str, dict]) -> str:
    """One sentence a seller can act on: what is wrong, where, how many rows."""
    table = outcome.asset.rsplit("/", 1)[-1]
    n = outcome.failed_rows
    count = f"{n:,} row{'s' if n != 1 else ''}" if n is not None else "some rows"
    node = tests.get(outcome.unique_id or "")
    if node is None:
        readable = outcome.name.replace("_", " ")
        return f"{table}: check '{readable}' did not pass"
    meta = node.get("test_metadata") or {}
    kwargs = meta.get("kwargs") or {}
    column = kwargs.get("column_name") or node.get("column_name") or ""
    name = meta.get("name")
    if name == "not_null":
        return f"{table}: {count} without a {column}"
    if name == "unique":
        return f"{table}: {column} repeats ({count})"
    if name == "accepted_values":
        return f"{table}: {count} with a {column} outside the accepted values"
    if name == "relationships":
        target = _ref_name(kwargs.get("to"))
        return f"{table}: {count} whose {column} is not in {target}"
    if name:
        return f"{table}: {count} fail the '{name.replace('_', ' ')}' rule on {column or 'the table'}"
    sentence = node.get("description") or _header_sentence(node.get("raw_code") or "")
    found = f"{n:,} found" if n is not None else "found"
    return f"{sentence} ({found}; {table})" if sentence else f"{table}: {outcome.name.replace('_', ' ')} ({found})"


def summary_lines(result, tracker: RunTracker | None, log_path: Path, elapsed_s: float,
                  manifest_path: Path | None = None) -> list[str]:
    """The build's outcome in at most ~25 lines: totals, then every warning and failure in plain words."""
    checks = list(tracker.checks.values()) if tracker else []
    failed = [c for c in checks if not c.passed and not c.warn]
    warned = [c for c in checks if not c.passed and c.warn]
    tests = _manifest_tests(manifest_path or settings.DBT_PROJECT_DIR / "target" / "manifest.json") \
        if (failed or warned) else {}
    verdict = "Build finished" if result.success else "Build FAILED"
    lines = [(f"{verdict} in {_fmt_seconds(elapsed_s)}: {len(result.materialized)} tables built; "
              f"checks: {result.passed_checks} passed, {len(result.warned_checks)} warnings, "
              f"{len(result.failed_checks)} failed.")]

    def listed(title: str, items: list[str]) -> None:
        if not items:
            return
        lines.append(title)
        lines.extend(f"  - {item}" for item in items[:MAX_LISTED])
        if len(items) > MAX_LISTED:
            lines.append(f"  … and {len(items) - MAX_LISTED} more (see the log)")

    if tracker is not None:
        listed("Checks that failed:", [describe_check(c, tests) for c in sorted(failed, key=lambda c: c.key)])
        listed("Warnings:", [describe_check(c, tests) for c in sorted(warned, key=lambda c: c.key)])
        listed("Seller export files:", [_first_line(m) for m in tracker.file_messages])
    else:
        listed("Checks that failed:", result.failed_checks)
        listed("Warnings:", result.warned_checks)
    listed("Errors:", [_first_line(e, 300) for e in result.errors])
    lines.append(f"Full log: {log_path}")
    return lines


def _first_line(text: str, limit: int = 200) -> str:
    line = strip_ansi(text).strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"
