"""`tsw status`: what is loaded, when, and which checks fail — from the published build and the check-results
table the builds write ($TSW_HOME/check_results.parquet, orchestration/lib/check_results.py: the same table the
Overview and Data quality pages read)."""

from __future__ import annotations

from dataclasses import dataclass, field

from orchestration import settings


@dataclass
class Status:
    published_at: str | None
    tables: list[tuple[str, int, str | None]] = field(default_factory=list)  # name, rows, loaded_at
    failing_checks: list[tuple[str, str]] = field(default_factory=list)      # check, when
    passing_checks: int = 0
    warning_checks: list[str] = field(default_factory=list)
    unknown_checks: int = 0
    files: tuple[int, int, int] | None = None                                 # files, rows loaded, quarantined

    def lines(self) -> list[str]:
        out = [f"home:       {settings.describe_home()}",
               f"warehouse:  {settings.warehouse_path()}",
               f"published:  {self.published_at or 'never — run `tsw build` (or set TSW_HOME to the home you built)'}"]
        from orchestration.lib import build_state

        withheld = build_state.withheld()
        if withheld:
            out.append(f"LAST BUILD NOT PUBLISHED ({withheld['at']}): core model(s) failed: "
                       f"{', '.join(withheld['failed_models'])}. Readers still see the previous snapshot.")
        if self.tables:
            out.append("loaded tables (raw):")
            width = max(len(t[0]) for t in self.tables)
            out += [f"  {name:<{width}}  {rows:>9,} rows  loaded {loaded or '-'}" for name, rows, loaded in self.tables]
        if self.files:
            out.append(f"seller export files: {self.files[0]} loaded, rows loaded {self.files[1]:,}, "
                       f"rows quarantined {self.files[2]:,}")
        if self.passing_checks or self.warning_checks or self.failing_checks or self.unknown_checks:
            out.append(f"checks: {self.passing_checks} passing, {len(self.warning_checks)} warning, "
                       f"{len(self.failing_checks)} failing, {self.unknown_checks} never run")
        else:
            out.append("checks: none yet — no build has run in this home (`tsw build`)")
        out += [f"  warning {name}" for name in self.warning_checks]
        out += [f"  FAILING {name} (last run {when})" for name, when in self.failing_checks]
        return out


def _tables() -> list[tuple[str, int, str | None]]:
    import duckdb

    path = settings.published_path()
    if not path.exists():
        return []
    out = []
    with duckdb.connect(str(path), read_only=True) as conn:
        names = conn.execute(
            "select table_name from information_schema.tables where table_schema = 'raw' order by 1").fetchall()
        for (name,) in names:
            cols = {r[0] for r in conn.execute(
                "select column_name from information_schema.columns where table_schema='raw' and table_name=?",
                [name]).fetchall()}
            loaded = "max(_loaded_at)::varchar" if "_loaded_at" in cols else "null"
            rows, last = conn.execute(f'select count(*), {loaded} from raw."{name}"').fetchone()
            out.append((f"raw.{name}", rows, last))
    return out


def collect_status() -> Status:
    import datetime as dt

    path = settings.published_path()
    published = dt.datetime.fromtimestamp(path.stat().st_mtime).isoformat(timespec="seconds") if path.exists() else None
    status = Status(published_at=published, tables=_tables())
    files = [t for t in status.tables if t[0] == "raw._load_log"]
    if files and path.exists():
        import duckdb
        with duckdb.connect(str(path), read_only=True) as conn:
            row = conn.execute("select count(*), coalesce(sum(rows_loaded),0), coalesce(sum(rows_quarantined),0) "
                               "from raw._load_log where status = 'loaded'").fetchone()
            status.files = tuple(int(x) for x in row)

    from orchestration.lib import check_results
    from orchestration.lib.dagster_instance import dagster_home

    if not dagster_home().exists():
        # Nothing was ever built in this home: report that, and create nothing where we were asked.
        return status
    for result in check_results.read():
        if result.outcome == check_results.NOT_RUN:
            status.unknown_checks += 1
        elif result.outcome == check_results.PASSED:
            status.passing_checks += 1
        elif result.outcome == check_results.WARNING:
            status.warning_checks.append(result.key)
        else:
            when = result.evaluated_at.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)
            status.failing_checks.append((result.key, when.isoformat(timespec="seconds")))
    return status
