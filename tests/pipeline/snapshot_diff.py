"""Row-for-row comparison of two published snapshots' marts (the rebuild, determinism and SIGKILL tests)."""

from __future__ import annotations

from pathlib import Path

import duckdb


def mart_differences(got: Path, expected: Path, schema: str = "marts") -> list[str]:
    """Tables of `schema` in snapshot `got` that differ from those of `expected`, row for row, in every column.

    Doubles are compared to a relative 1e-9 (a different summation order is not a difference); everything
    else exactly. Each problem names the table, how many rows differ and the first differing row of both."""
    problems = []
    with duckdb.connect() as conn:
        conn.execute("set enable_progress_bar = false")
        conn.execute("set TimeZone = 'UTC'")
        conn.execute(f"attach '{got}' as got (read_only)")
        conn.execute(f"attach '{expected}' as expected (read_only)")
        tables = {db: {r[0] for r in conn.execute(
            "select table_name from duckdb_tables() where schema_name = ? and database_name = ?", [schema, db]).fetchall()}
            for db in ("got", "expected")}
        problems += [f"{t}: missing" for t in sorted(tables["expected"] - tables["got"])]
        problems += [f"{t}: unexpected" for t in sorted(tables["got"] - tables["expected"])]
        for table in sorted(tables["got"] & tables["expected"]):
            columns = {db: conn.execute(
                "select column_name, data_type from duckdb_columns() where database_name = ? "
                "and schema_name = ? and table_name = ? order by column_index", [db, schema, table]).fetchall()
                for db in ("got", "expected")}
            if columns["got"] != columns["expected"]:
                problems.append(f"{table}: columns {columns['got']} , expected {columns['expected']}")
                continue
            exact = [f'"{c}"' for c, t in columns["expected"] if t not in ("DOUBLE", "FLOAT")]
            floats = [f'"{c}"' for c, t in columns["expected"] if t in ("DOUBLE", "FLOAT")]
            order = ", ".join(exact + [f"round({c}, 6)" for c in floats]) or "1"
            numbered = "select row_number() over (order by {order}) as _n, * from {db}.{schema}.\"{table}\""
            same = " and ".join([f"g.{c} is not distinct from e.{c}" for c in exact] + [
                f"(g.{c} is not distinct from e.{c} or abs(g.{c} - e.{c}) <= 1e-9 * greatest(abs(e.{c}), 1))"
                for c in floats]) or "true"
            rows_got, rows_expected = (conn.execute(f'select count(*) from {db}.{schema}."{table}"').fetchone()[0]
                                       for db in ("got", "expected"))
            if rows_got != rows_expected:
                problems.append(f"{table}: {rows_got} rows, expected {rows_expected}")
                continue
            side = {db: numbered.format(order=order, db=db, schema=schema, table=table) for db in ("got", "expected")}
            bad = conn.execute(
                f"select count(*), min(g._n) from ({side['got']}) g join ({side['expected']}) e using (_n) "
                f"where not ({same})").fetchone()
            if bad[0]:
                rows = [conn.execute(f"select * exclude (_n) from ({side[db]}) where _n = {bad[1]}").fetchone()
                        for db in ("got", "expected")]
                changed = [name for (name, _), a, b in zip(columns["expected"], *rows, strict=True) if a != b]
                problems.append(f"{table}: {bad[0]} of {rows_got} rows differ (first in columns {changed[:6]}): "
                                f"{rows[0][:8]} , expected {rows[1][:8]}")
    return problems


def mart_rows(snapshot: Path, schema: str = "marts") -> dict[str, int]:
    """Rows of every table of `schema` in `snapshot`."""
    with duckdb.connect(str(snapshot), read_only=True) as conn:
        return {t: conn.execute(f'select count(*) from {schema}."{t}"').fetchone()[0] for (t,) in conn.execute(
            "select table_name from duckdb_tables() where schema_name = ? order by 1", [schema]).fetchall()}
