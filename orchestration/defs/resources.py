"""Resources shared by every domain, declared once: the warehouse.

`WarehouseResource` is how an asset or check reaches the DuckDB warehouse: the writer's connection, table
replacement, the published snapshot. Its paths come from `orchestration/settings.py` (TSW_HOME) when a step
runs, the same answer the CLI, dbt's profile and the app get; an asset never builds a path itself. DuckDB
has one writer, so everything that takes this resource runs in the `warehouse_writer` pool.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

POOL = "warehouse_writer"


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse (`$TSW_HOME/warehouse.duckdb`) and the readers' snapshot beside it."""

    def path(self) -> Path:
        from orchestration import settings

        return settings.warehouse_path()

    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection, closed on exit (callers run in the warehouse_writer pool)."""
        from orchestration.lib import warehouse

        with warehouse.writer(self.path()) as conn:
            yield conn

    def replace_tables(self, frames: Mapping[str, pd.DataFrame]) -> None:
        """Replace several tables in one transaction: all of them change, or none does."""
        from orchestration.lib import warehouse

        with self.writer() as conn:
            warehouse.replace_tables(conn, frames)

    def read(self, sql: str) -> pd.DataFrame:
        with self.writer() as conn:
            return conn.execute(sql).df()

    def publish(self, report: dict | None = None) -> Path:
        """Atomically replace the readers' snapshot with the finished warehouse (lib/warehouse.publish)."""
        from orchestration import settings
        from orchestration.lib import warehouse

        return warehouse.publish(self.path(), settings.published_path(), report)


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(resources={"warehouse": WarehouseResource()})
