"""Great Expectations 1.x, run through its pandas datasource: the engine every stored suite (quality/suites.py) runs on.

GX's SQL datasource fails on DuckDB (see shared stack notes), so every suite
validates a pandas DataFrame: before a load (the file as parsed) and, as a Dagster
asset check, on the table read back from DuckDB. One suite definition serves both.

Failures come back as `Violation`s that name the file, the data row (1-based, as a
spreadsheet user counts rows below the header) and the rule.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from orchestration.quality.violations import Violation

if TYPE_CHECKING:  # pandas costs ~0.5 s to import; only a validation needs it
    import pandas as pd

# GX phones home unless told not to; set before it is imported.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def _describe(config) -> str:
    kwargs = {k: v for k, v in config.kwargs.items() if k not in ("result_format", "batch_id")}
    name = config.type
    parts = []
    for key in ("column", "column_A", "column_B", "column_list"):
        if key in kwargs:
            parts.append(f"{key}={kwargs.pop(key)}")
    for key, value in kwargs.items():
        if isinstance(value, (list, set, tuple)) and len(value) > 8:
            value = f"<{len(value)} allowed values>"
        parts.append(f"{key}={value}")
    return f"{name}({', '.join(parts)})"


def _plain(value):
    """numpy scalars print as np.int64(3); a user wants 3."""
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value.item() if hasattr(value, "item") else value


@lru_cache(maxsize=1)
def _pandas_batch_definition():
    """One ephemeral GX context per process, with a pandas datasource whose whole-frame batch any
    suite can validate: building a context costs about a second, a validation milliseconds."""
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    source = context.data_sources.add_pandas(name="tsw_frames")
    return source.add_dataframe_asset(name="frame").add_batch_definition_whole_dataframe("whole")


def failed_expectations(df: pd.DataFrame, expectations: Iterable, *, suite_name: str) -> list:
    """GX's result for each expectation `df` fails (COMPLETE format: unexpected values and row indexes)."""
    import great_expectations as gx

    batch_definition = _pandas_batch_definition()  # first: a suite needs an active context
    suite = gx.ExpectationSuite(name=suite_name)
    for expectation in expectations:
        suite.add_expectation(expectation)
    batch = batch_definition.get_batch(batch_parameters={"dataframe": df.reset_index(drop=True)})
    result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    return [item for item in result.results if not item.success]


def run_suite(df: pd.DataFrame, expectations: Iterable, *, file_label: str, suite_name: str) -> list[Violation]:
    """Validate `df` (a default RangeIndex is assumed: row i is data row i+1) against `expectations`."""
    violations: list[Violation] = []
    for item in failed_expectations(df, expectations, suite_name=suite_name):
        rule = _describe(item.expectation_config)
        res = item.result or {}
        indexes = res.get("unexpected_index_list")
        values = res.get("unexpected_list") or []
        if indexes:
            for pos, idx in enumerate(indexes):
                row = idx if isinstance(idx, int) else idx.get("index") if isinstance(idx, dict) else None
                value = _plain(values[pos]) if pos < len(values) else None
                violations.append(
                    Violation(file_label, None if row is None else int(row) + 1, rule, f"value {value!r}")
                )
        else:
            detail = item.exception_info.get("exception_message") if item.exception_info else None
            observed = res.get("observed_value")
            violations.append(Violation(file_label, None, rule, detail or f"observed {observed!r}"))
    violations.sort(key=lambda v: (v.row is None, v.row or 0, v.rule))
    return violations


def expectations():
    """GX's expectation classes (`great_expectations.expectations`), imported on first use: GX costs ~4 s of
    CPU to import, which a command or a code-location load pays only when it builds a suite."""
    import great_expectations.expectations as gxe

    return gxe
