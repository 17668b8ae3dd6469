"""The export gate: file-level rules run on every file before its transaction commits, in SQL over the FULL
parsed file (DuckDB's `_parsed`, one vectorised query per rule).

Row-level rules (unparsable values, Excel-damaged IDs, missing keys, out-of-range dates) are decided in SQL for
every row (see sqlgen); this gate then checks file-level rules on the accepted rows: required columns present,
keys non-null, known statuses, one currency per file, dates inside the file's range. Any failure rejects the
whole file with a message naming file, row and rule.

Why SQL and not Great Expectations (DECISIONLOG "Export gate in SQL"): GX validated small frames DuckDB computed
(a 10,000-row sample, one row per status, currency and date column), so each rule was already a DuckDB query
plus a GX wrapper — and importing GX cost 4-7 s of CPU on every `tsw ingest` of a new file, most of that
command. The rules and their messages are unchanged (tests/ingest); the keys rule now reads every accepted row,
not a sample. Great Expectations stays for the stored suites (registry, reference tables, spillover estimates:
orchestration/quality/suites.py), whose results are asset checks.
"""

from __future__ import annotations

from datetime import date

from orchestration.formats import FormatDefinition
from orchestration.ingest.sqlgen import ParsePlan, q

# One violation type (file, row, rule), project-wide.
from orchestration.quality.violations import Violation


def validate_parsed(conn, fmt: FormatDefinition, plan: ParsePlan, file_name: str) -> list[Violation]:
    violations: list[Violation] = []
    present = set(plan.mapping)

    # Required columns (personal-data columns that are dropped are never asked for), then non-null keys.
    for c in fmt.columns:
        if c.required and c.stored and c.name not in present:
            aliases = ", ".join(repr(a) for a in c.aliases[:4])
            violations.append(Violation(file_name, None, "required_column_missing",
                                        f"required column {c.name!r} is missing (expected a header like {aliases})"))
    for c in fmt.columns:
        if c.not_null and c.stored and c.name in present:
            (row,) = conn.execute(f"SELECT min(_row_number) FROM _parsed WHERE _rule IS NULL AND {q(c.name)} IS NULL"
                                  ).fetchone()
            if row is not None:
                violations.append(Violation(file_name, int(row), "key_not_null",
                                            f"column {plan.headers.get(c.name, c.name)!r} is empty"))

    # Known statuses, over every distinct value of the full file.
    if fmt.status_column and fmt.status_column in present:
        sc = q(fmt.status_column + "__v")
        known = sorted({a for aliases in fmt.statuses.values() for a in aliases} | set(fmt.statuses))
        bad = conn.execute(
            f"SELECT {sc} AS status, count(*) AS n, min(_row_number) AS first_row FROM _parsed "
            f"WHERE _rule IS NULL AND {sc} IS NOT NULL AND {sc} NOT IN (SELECT unnest(?)) GROUP BY 1 ORDER BY 3",
            [known]).fetchall()
        if bad:
            listing = ", ".join(f"{s!r} ({n} rows, first at row {r})" for s, n, r in bad)
            violations.append(Violation(
                file_name, int(min(r for _, _, r in bad)), "unknown_status",
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
        ).fetchall()
        if len(currencies) > 1:
            listing = ", ".join(f"{c} (first at row {r})" for c, r in currencies)
            violations.append(Violation(
                file_name, int(currencies[1][1]), "one_currency_per_file",
                f"amounts in several currencies: {listing}; export one marketplace/currency per file",
            ))

    # Dates inside the file's range (rows outside were already quarantined; this guards the loaded set).
    checks = [n for n in fmt.date_checks if n in present]
    if checks and (plan.date_lower or plan.date_upper):
        lower = plan.date_lower or date(1900, 1, 1)
        upper = plan.date_upper or date(2999, 12, 31)
        (outside,) = conn.execute(
            "SELECT count(*) FROM (" + " UNION ALL ".join(
                f"SELECT min(CAST({q(name)} AS DATE)) AS lo, max(CAST({q(name)} AS DATE)) AS hi "
                f"FROM _parsed WHERE _rule IS NULL" for name in checks
            ) + ") WHERE lo IS NOT NULL AND (lo < CAST(? AS DATE) OR hi > CAST(? AS DATE))", [lower, upper]).fetchone()
        if outside:
            violations.append(Violation(file_name, None, "date_out_of_range",
                                        f"loaded dates fall outside {plan.date_lower}..{plan.date_upper}"))
    return violations
