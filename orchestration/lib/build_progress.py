"""What a build has done so far, from its run's events in the Dagster instance: stages, steps, files, rows, checks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the view is passed in; it imports this module's RunTracker
    from orchestration.lib.build_view import BuildView


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
