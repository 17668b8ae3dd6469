"""`tsw build`: run the whole asset graph in this process on the project's Dagster instance."""

from __future__ import annotations

from dataclasses import dataclass, field

import dagster as dg


@dataclass
class BuildResult:
    success: bool
    run_id: str
    materialized: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    warned_checks: list[str] = field(default_factory=list)
    passed_checks: int = 0
    errors: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        lines = [
            f"run {self.run_id}: {'succeeded' if self.success else 'FAILED'}",
            f"  {len(self.materialized)} assets materialized",
            f"  {self.passed_checks} checks passed, {len(self.warned_checks)} warned, {len(self.failed_checks)} failed",
        ]
        lines += [f"  failed check: {c}" for c in self.failed_checks]
        lines += [f"  warning: {c}" for c in self.warned_checks]
        lines += [f"  error: {e}" for e in self.errors]
        return lines


def run_full_build(run_id: str | None = None, full_refresh: bool = False) -> BuildResult:
    """Run `ingest_and_build_job` in this process (`run_id`: chosen by the caller to follow its progress;
    `full_refresh`: rebuild every incremental dbt model, orchestration/lib/dbt_refresh.py)."""
    from orchestration.definitions import defs
    from orchestration.lib.dagster_instance import project_context
    from orchestration.lib.recovery import recover

    with project_context() as instance:
        recover(instance)  # a killed earlier build must not block this one (orchestration/lib/recovery.py)
        job = defs().resolve_job_def("ingest_and_build_job")
        run_config = {"ops": {"dbt_models": {"config": {"full_refresh": True}}}} if full_refresh else None
        result = job.execute_in_process(instance=instance, raise_on_error=False, run_id=run_id,
                                        run_config=run_config)
    from orchestration.lib import check_results

    check_results.write()  # the table tsw status and the app read (orchestration/lib/check_results.py)
    evaluations = result.get_asset_check_evaluations()
    errors = []
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data is not None:
            error = event.step_failure_data.error
            message = error.message if error else "unknown error"
            if error and error.cause is not None:
                message = f"{message} {error.cause.message}"
            errors.append(f"{event.step_key}: {message.strip()}")
    return BuildResult(
        success=result.success,
        run_id=result.run_id,
        materialized=[e.asset_key.to_user_string() for e in result.get_asset_materialization_events()],
        failed_checks=sorted(e.asset_check_key.to_user_string() for e in evaluations
                             if not e.passed and e.severity != dg.AssetCheckSeverity.WARN),
        warned_checks=sorted(e.asset_check_key.to_user_string() for e in evaluations
                             if not e.passed and e.severity == dg.AssetCheckSeverity.WARN),
        passed_checks=sum(1 for e in evaluations if e.passed),
        errors=errors,
    )
