"""Every filesystem location the project uses, derived from one variable: TSW_HOME.

Dagster, dbt (profiles.yml reads TSW_WAREHOUSE), Streamlit and the `tsw` CLI all
call these functions, so there is exactly one answer to "where is the warehouse".
Nothing here touches the disk at import time.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = REPO_ROOT / "seeds"
ARTICLE_SEEDS_DIR = SEEDS_DIR / "articles"
REFERENCE_SEEDS_DIR = SEEDS_DIR / "reference"
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
FORMATS_DIR = Path(__file__).resolve().parent / "formats"
# The five source articles, when the shared folder sits beside the checkout.
SHARED_SOURCES_DIR = REPO_ROOT.parent / "shared" / "sources"


APP_NAME = "tiktok-shop-warehouse"


def default_home() -> Path:
    """Where runtime state lives when TSW_HOME is not set, whatever the working directory.

    Installed from a checkout (the usual case: `uv sync` installs the package in editable mode), the
    checkout's own `data/` folder, found from this file's location. Installed as a plain package
    (no checkout around it), the user's data folder: `$XDG_DATA_HOME/tiktok-shop-warehouse`, by
    default `~/.local/share/tiktok-shop-warehouse`.
    """
    if (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "dbt_project").is_dir():
        return REPO_ROOT / "data"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_NAME


def root_home() -> Path:
    """Root of all runtime state: $TSW_HOME, else `default_home()` (never the working directory)."""
    configured = os.environ.get("TSW_HOME")
    return Path(configured).expanduser().resolve() if configured else default_home().resolve()


# ------------------------------------------------------------------ shops (issue 15)
# A home holds one shop (the default: everything as it always was) or several. Another shop's exports go in
# `inbox/<shop>/`; that shop's own home (warehouse, snapshot, archive, quarantine, catalogue, settings, Dagster
# instance) is `shops/<shop>/`. A process works on one shop at a time: `TSW_SHOP` names it (unset: the default
# shop, whose home is the root itself). `tsw build` on the root builds every shop, one run each, and publishes
# `all_shops.duckdb`, every table of every shop's snapshot with a `shop` column (orchestration/lib/shops.py).
DEFAULT_SHOP = "default"
SHOP_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def shop() -> str | None:
    """The shop this process works on (`TSW_SHOP`), None for the default shop."""
    name = os.environ.get("TSW_SHOP") or None
    if name is None or name == DEFAULT_SHOP:
        return None
    if not SHOP_NAME.match(name):
        raise ValueError(f"TSW_SHOP={name!r} is not a shop name (lower-case letters, digits, - and _, at most 40)")
    return name


def shop_home(name: str | None) -> Path:
    return root_home() if name in (None, DEFAULT_SHOP) else root_home() / "shops" / name


def shops() -> list[str]:
    """The named shops of this home: `inbox/<shop>/` folders and `shops/<shop>/` homes (sorted; the default
    shop is not listed). An empty list is a single-shop home."""
    root = root_home()
    names: set[str] = set()
    for folder in (root / "inbox", root / "shops"):
        if folder.is_dir():
            names |= {p.name for p in folder.iterdir()
                      if SHOP_NAME.match(p.name) and p.name != DEFAULT_SHOP and p.is_dir() and not p.is_symlink()}
    return sorted(names)


def default_shop_in_use() -> bool:
    """The root's own shop holds something: files directly in the inbox, a warehouse or a snapshot."""
    root = root_home()
    if (root / "warehouse.duckdb").exists() or (root / "published.duckdb").exists():
        return True
    inbox = root / "inbox"
    return inbox.is_dir() and any(p.is_file() and not p.name.startswith(".") for p in inbox.iterdir())


def all_shops_path() -> Path:
    """The snapshot every shop's tables are unioned into (with `shop`), read by the app's "all shops"."""
    return root_home() / "all_shops.duckdb"


def tsw_home() -> Path:
    """The home of the shop this process works on: the root, or `shops/<TSW_SHOP>/` (see shop())."""
    return shop_home(shop())


def describe_home() -> str:
    """Which home a command used and why, for messages (above all when it finds nothing there)."""
    home = tsw_home()
    if os.environ.get("TSW_HOME"):
        return f"{home} (from TSW_HOME)"
    if home == (REPO_ROOT / "data").resolve():
        return f"{home} (the default: this checkout's data folder; set TSW_HOME to use another)"
    return f"{home} (the default user data folder; set TSW_HOME to use another)"


def warehouse_path() -> Path:
    return tsw_home() / "warehouse.duckdb"


def published_path() -> Path:
    """The read-only snapshot readers use (Streamlit, `tsw sql`).

    Writers build into warehouse.duckdb; after a complete build the publish step copies it
    to a temporary file and os.replace()s it here, so a reader sees the last complete build
    and never holds a lock the pipeline needs.
    """
    return tsw_home() / "published.duckdb"


def inbox_dir() -> Path:
    """Where exports are dropped: `inbox/` for the default shop, `inbox/<shop>/` for another."""
    name = shop()
    return root_home() / "inbox" / name if name else root_home() / "inbox"


def archive_dir() -> Path:
    return tsw_home() / "archive"


def quarantine_dir() -> Path:
    return tsw_home() / "quarantine"


def catalogue_dir() -> Path:
    """The seller's own catalogue: products, cost changes, fee overrides (all optional CSVs).

    Seller data, so it lives in the home and never in the checkout: upgrading the code never touches it.
    """
    return tsw_home() / "catalogue"


def demo_truth_dir() -> Path:
    """Where `tsw demo` writes the demo world's ground truth (outside the inbox)."""
    return tsw_home() / "demo_truth"


def secrets_dir() -> Path:
    """Local secrets (the buyer-identity salt). Outside the warehouse file, never committed."""
    return root_home() / "secrets"  # one salt for every shop of a home: a buyer keeps one key across them


def tmp_dir() -> Path:
    """Temporary files (UTF-8 copies of exports being loaded…); leftovers of a killed process are removed
    by the next start (orchestration/lib/recovery.py)."""
    return tsw_home() / "tmp"


def dbt_runs_dir() -> Path:
    """dbt's per-run target folders (compiled SQL, run_results.json, dbt.log); the newest few are kept."""
    return tsw_home() / "dbt" / "runs"


def dbt_executable() -> Path:
    """dbt from the same environment as this package (works without an activated venv)."""
    candidate = Path(sys.executable).parent / "dbt"
    return candidate if candidate.exists() else Path("dbt")


# DuckDB's memory budget for the build's own connections (dbt's, the publish): beyond it the engine spills to
# disk next to the warehouse. DuckDB's default is 80 % of the machine: dbt took 11.8 GB at 1M order lines, which
# two shops' builds at once could not share. The ingest has its own, smaller one (ingest/load.py).
DEFAULT_DUCKDB_MEMORY_LIMIT = "4GB"


def duckdb_memory_limit() -> str:
    """`TSW_DUCKDB_MEMORY_LIMIT` (e.g. 8GB or 1500MB), else DEFAULT_DUCKDB_MEMORY_LIMIT (also for a value DuckDB
    would refuse, so a typo never stops a build)."""
    value = os.environ.get("TSW_DUCKDB_MEMORY_LIMIT", "").strip()
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?\s*([KMGT]i?B)", value, re.IGNORECASE):
        return value
    return DEFAULT_DUCKDB_MEMORY_LIMIT


def subprocess_env() -> dict[str, str]:
    """Environment for child processes (dbt, streamlit, dagster): one warehouse, no telemetry."""
    env = dict(os.environ)
    env["TSW_HOME"] = str(root_home())  # with TSW_SHOP (inherited), the child works on the same shop
    env["TSW_WAREHOUSE"] = str(warehouse_path())
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env["DO_NOT_TRACK"] = "1"
    env.setdefault("DBT_PROFILES_DIR", str(DBT_PROJECT_DIR))
    env["GX_ANALYTICS_ENABLED"] = "false"
    env["TSW_DUCKDB_MEMORY_LIMIT"] = duckdb_memory_limit()  # dbt's profile reads it
    # Who started the child: a child left running by a killed build is recognised (and stopped) later.
    from orchestration.lib.processes import owner_token
    env["TSW_OWNER"] = owner_token()
    # Child processes find the venv's tools (dbt, streamlit) even when it is not activated.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env
