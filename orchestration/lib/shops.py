"""Several shops in one home (issue 15): one build per shop, then one snapshot of all of them.

Each shop is a complete home of its own (settings.shop_home: the root for the default shop, `shops/<shop>/` for
another, whose exports are dropped in `inbox/<shop>/`), built by the same job, models and checks as a single-shop
home, in its own process (`TSW_SHOP=<shop> tsw build`). So a shop's marts are exactly those it would have alone,
and a bad file or a failed build in one shop never stops another: each shop publishes what it can, and
`publish_all_shops` unions the last published snapshot of every shop into `all_shops.duckdb`, every table with a
leading `shop` column (fivetran's `source_relation`), whose grain is the shop's own grain plus `shop`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from orchestration import settings

SHOPS_TABLE = "_shops"  # main._shops in all_shops.duckdb: one row per shop the snapshot holds


def home_shops() -> list[str]:
    """Every shop of the root home, the default one first when it holds anything; [] for a single-shop home."""
    named = settings.shops()
    if not named:
        return []
    return ([settings.DEFAULT_SHOP] if settings.default_shop_in_use() else []) + named


def snapshot_of(shop: str) -> Path:
    return settings.shop_home(shop) / "published.duckdb"


def shop_env(shop: str) -> dict[str, str]:
    env = settings.subprocess_env()
    if shop == settings.DEFAULT_SHOP:
        env.pop("TSW_SHOP", None)
        env["TSW_SINGLE_SHOP"] = "1"  # the root's own build: do not loop over the shops again
    else:
        env["TSW_SHOP"] = shop
    return env


def tsw_command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from orchestration.cli import main; main()", *args]


@dataclass
class ShopRun:
    shop: str
    returncode: int
    seconds: float


@dataclass
class AllShopsResult:
    runs: list[ShopRun] = field(default_factory=list)
    published: dict[str, Path] = field(default_factory=dict)
    path: Path | None = None

    @property
    def success(self) -> bool:
        return all(r.returncode == 0 for r in self.runs)

    def lines(self) -> list[str]:
        out = [f"  shop {r.shop}: {'built' if r.returncode == 0 else f'FAILED (exit {r.returncode})'} "
               f"in {r.seconds:.0f} s" for r in self.runs]
        if self.path is not None:
            out.append(f"All shops published to {self.path}: {', '.join(self.published)}")
        return out


def run_each_shop(args: list[str], shops: list[str] | None = None, *, say=print) -> list[ShopRun]:
    """`tsw <args>` once per shop, one after the other, each in its own process on its own home."""
    runs = []
    for shop in shops if shops is not None else home_shops():
        say(f"— shop {shop} ({settings.shop_home(shop)}) —")
        started = time.monotonic()
        code = subprocess.run(tsw_command(*args), env=shop_env(shop), check=False).returncode
        runs.append(ShopRun(shop, code, time.monotonic() - started))
    return runs


def publish_all_shops(shops: list[str] | None = None) -> AllShopsResult:
    """Union every shop's published snapshot into settings.all_shops_path() (atomic replace).

    Every table and view of every shop's snapshot becomes a table of the same schema and name holding all shops'
    rows (`UNION ALL BY NAME`: a column one shop lacks is NULL for it) behind a first column `shop`. A shop without
    a snapshot yet (its first build failed) is left out and said so by its absence from `main._shops`.
    One union at a time (a lock file beside it): shop builds started by the daemon may finish together.
    """
    import fcntl

    target = settings.all_shops_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_name(f".{target.name}.lock"), "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _union(shops)


def _union(shops: list[str] | None) -> AllShopsResult:
    from orchestration.lib import warehouse

    result = AllShopsResult()
    shops = shops if shops is not None else home_shops()
    result.published = {s: snapshot_of(s) for s in shops if snapshot_of(s).exists()}
    target = settings.all_shops_path()
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = warehouse.connect_writable(tmp)  # readable by outside clients, like every shop's snapshot
    try:
        aliases = {}
        for i, (shop, path) in enumerate(result.published.items()):
            alias = f"shop_{i}"
            con.execute(f"ATTACH '{_lit(str(path))}' AS {alias} (READ_ONLY)")
            aliases[alias] = shop
        found: dict[tuple[str, str], list[str]] = {}
        objects = con.execute(
            "SELECT database_name, schema_name, table_name FROM duckdb_tables() WHERE NOT temporary "
            "UNION ALL SELECT database_name, schema_name, view_name FROM duckdb_views() WHERE NOT internal "
            "AND NOT temporary"
        ).fetchall()
        for database, schema, name in objects:
            if database in aliases:
                found.setdefault((schema, name), []).append(database)
        for (schema, name), databases in sorted(found.items()):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {_id(schema)}")
            parts = [f"SELECT '{_lit(aliases[db])}' AS shop, * FROM {db}.{_id(schema)}.{_id(name)}"
                     for db in sorted(databases)]
            con.execute(f"CREATE TABLE {_id(schema)}.{_id(name)} AS {' UNION ALL BY NAME '.join(parts)}")
        con.execute(f"CREATE TABLE main.{SHOPS_TABLE} (shop VARCHAR, snapshot VARCHAR, published_at TIMESTAMPTZ)")
        for shop, path in result.published.items():
            con.execute(f"INSERT INTO main.{SHOPS_TABLE} VALUES (?, ?, to_timestamp(?))",
                        [shop, str(path), path.stat().st_mtime])
        for alias in aliases:
            con.execute(f"DETACH {alias}")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, target)
    result.path = target
    return result


def _id(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return value.replace("'", "''")
