"""Great Expectations gate run on every file before its transaction commits.

GX 1.24's SQL datasource cannot run on DuckDB (shared stack notes), so GX validates pandas
DataFrames through an ephemeral context. To keep the cost bounded on a 1M-row file, GX never
receives the file itself. It receives small frames computed by DuckDB over the FULL parsed file:

- `statuses`   one row per distinct status value (+ first row, count): size = #distinct statuses.
- `currencies` one row per distinct currency seen in money prefixes / currency column.
- `date_span`  one row per date-checked column: min/max over the accepted rows.
- `sample`     at most SAMPLE_ROWS accepted rows (first rows + a seeded reservoir sample), for
               column presence, non-null keys and value types as the warehouse will store them.

Row-level rules (unparsable values, Excel-damaged IDs, missing keys, out-of-range dates) are
decided in SQL for every row (see sqlgen); GX then checks file-level rules on these frames:
required columns present, keys non-null, dates inside the file's range, one currency per file,
known statuses. Any failure rejects the whole file with a message naming file, row and rule.
Cost: one GROUP BY per frame in DuckDB (linear, vectorised) + GX on < SAMPLE_ROWS + a few
hundred rows, whatever the file size.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from orchestration.formats import FormatDefinition
from orchestration.ingest.sqlgen import ParsePlan, q

# One violation type (file, row, rule) and one GX context, project-wide.
from orchestration.lib.gx_validation import Violation, failed_expectations

if TYPE_CHECKING:
    import pandas as pd

SAMPLE_ROWS = 10_000


def _run(frame: pd.DataFrame, expectations: list) -> list:
    return failed_expectations(frame, expectations, suite_name="ingest_file")


def validate_parsed(conn, fmt: FormatDefinition, plan: ParsePlan, file_name: str) -> list[Violation]:
    # Imported here: GX costs seconds to import, and gx_validation (imported above) has switched its
    # usage statistics off first.
    import great_expectations.expectations as gxe
    import pandas as pd

    violations: list[Violation] = []
    present = set(plan.mapping)

    # Required columns + non-null keys + stored types, on a bounded sample of accepted rows.
    typed_cols = [c.name for c in fmt.columns if c.name in present and c.stored]
    select = ", ".join(["_row_number"] + [q(c) for c in typed_cols])
    sample = conn.execute(
        f"SELECT {select} FROM (SELECT * FROM _parsed WHERE _rule IS NULL ORDER BY _row_number LIMIT {SAMPLE_ROWS // 2}) "
        f"UNION ALL SELECT {select} FROM (SELECT * FROM _parsed WHERE _rule IS NULL AND _row_number > "
        f"(SELECT coalesce(max(_row_number), 0) FROM (SELECT _row_number FROM _parsed WHERE _rule IS NULL "
        f"ORDER BY _row_number LIMIT {SAMPLE_ROWS // 2})) USING SAMPLE reservoir({SAMPLE_ROWS // 2} ROWS) REPEATABLE (7))"
    ).df()
    # Dropped personal-data columns never reach the frame, so presence is only asked of stored ones.
    expectations = [gxe.ExpectColumnToExist(column=c.name) for c in fmt.columns if c.required and c.stored]
    for c in fmt.columns:
        if c.not_null and c.name in present and c.stored:
            expectations.append(gxe.ExpectColumnValuesToNotBeNull(column=c.name))
    failures = _run(sample, expectations)
    for failure in failures:
        cfg = failure.expectation_config
        column = cfg.kwargs.get("column")
        header = plan.headers.get(column, column)
        if cfg.type == "expect_column_to_exist" or column not in present:
            aliases = ", ".join(repr(a) for a in fmt.column(column).aliases[:4])
            violations.append(Violation(file_name, None, "required_column_missing",
                                        f"required column {column!r} is missing (expected a header like {aliases})"))
        else:
            idx = failure.result.get("unexpected_index_list") or []
            row = int(sample.loc[idx[0], "_row_number"]) if idx else None
            violations.append(Violation(file_name, row, "key_not_null", f"column {header!r} is empty"))

    # Known statuses, over every distinct value of the full file.
    if fmt.status_column and fmt.status_column in present:
        sc = q(fmt.status_column + "__v")
        statuses = conn.execute(
            f"SELECT {sc} AS status, min(_row_number) AS first_row, count(*) AS n FROM _parsed "
            f"WHERE _rule IS NULL AND {sc} IS NOT NULL GROUP BY 1 ORDER BY 2"
        ).df()
        known = sorted({a for aliases in fmt.statuses.values() for a in aliases} | set(fmt.statuses))
        for failure in _run(statuses, [gxe.ExpectColumnValuesToBeInSet(column="status", value_set=known)]):
            unknown = failure.result.get("unexpected_list") or []
            bad = statuses[statuses["status"].isin(unknown)]
            listing = ", ".join(f"{s!r} ({n} rows, first at row {r})" for s, n, r in
                                zip(bad["status"], bad["n"], bad["first_row"]))
            violations.append(Violation(
                file_name, int(bad["first_row"].min()), "unknown_status",
                f"column {plan.headers[fmt.status_column]!r} has values not listed in "
                f"formats/{fmt.kind}.yaml statuses: {listing}. Add them (as aliases of a known status) and re-drop the file",
            ))

    # One currency per file, over every money prefix and the currency column.
    cur_sources = [q(c.name + "__cur") for c in fmt.columns if c.type == "money" and c.name in present]
    if fmt.currency_column and fmt.currency_column in present:
        cur_sources.append(f"upper({q(fmt.currency_column)})")
    if cur_sources:
        union = " UNION ALL ".join(f"SELECT _row_number, {s} AS currency FROM _parsed WHERE _rule IS NULL" for s in cur_sources)
        currencies = conn.execute(
            f"SELECT currency, min(_row_number) AS first_row FROM ({union}) WHERE currency IS NOT NULL GROUP BY 1 ORDER BY 2"
        ).df()
        if _run(currencies, [gxe.ExpectTableRowCountToBeBetween(min_value=0, max_value=1)]):
            listing = ", ".join(f"{c} (first at row {r})" for c, r in zip(currencies["currency"], currencies["first_row"]))
            violations.append(Violation(
                file_name, int(currencies["first_row"].iloc[1]), "one_currency_per_file",
                f"amounts in several currencies: {listing}; export one marketplace/currency per file",
            ))

    # Dates inside the file's range (rows outside were already quarantined; this guards the loaded set).
    checks = [n for n in fmt.date_checks if n in present]
    if checks and (plan.date_lower or plan.date_upper):
        span = conn.execute(
            "SELECT * FROM (" + " UNION ALL ".join(
                f"SELECT {name!r} AS col, min(CAST({q(name)} AS DATE)) AS lo, max(CAST({q(name)} AS DATE)) AS hi "
                f"FROM _parsed WHERE _rule IS NULL" for name in checks
            ) + ") WHERE lo IS NOT NULL"
        ).df()
        lower = pd.Timestamp(plan.date_lower or date(1900, 1, 1))
        upper = pd.Timestamp(plan.date_upper or date(2999, 12, 31))
        span["lo"] = pd.to_datetime(span["lo"])
        span["hi"] = pd.to_datetime(span["hi"])
        failed = _run(span, [
            gxe.ExpectColumnValuesToBeBetween(column="lo", min_value=lower, max_value=upper),
            gxe.ExpectColumnValuesToBeBetween(column="hi", min_value=lower, max_value=upper),
        ])
        if failed:
            violations.append(Violation(file_name, None, "date_out_of_range",
                                        f"loaded dates fall outside {plan.date_lower}..{plan.date_upper}"))
    return violations
