"""Read-only access to the published warehouse snapshot.

The app never opens warehouse.duckdb (the file the pipeline writes): a DuckDB read-write
connection in the pipeline would block us, and a connection we held would block the pipeline.
Instead every query opens `published.duckdb` read-only, runs, and closes at once. Results are
cached per (query, parameters, snapshot mtime/inode), so a freshly published build is picked up on the
next rerun without restarting the app.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from orchestration import settings

# The shop filter (issue 15). In a home of several shops the sidebar's shop switch (app.py) is bound to
# session_state[SHOP_KEY]; every query of every page goes through `published_path()` below, which reads the chosen
# shop's own snapshot (the first shop with a build until one is chosen). A single-shop home reads published.duckdb
# as always. The pages show one shop at a time: they look rows up by a shop's own keys (category, product, claim),
# so the union of every shop (all_shops.duckdb, each table with a `shop` column) is for SQL clients, not pages.
SHOP_KEY = "shop"

# A publish is an os.replace (instant) and a writer lock is short-lived in practice,
# so a couple of seconds of retrying covers it without leaving the reader staring at a spinner.
OPEN_ATTEMPTS = 6
OPEN_BACKOFF_SECONDS = 0.25
CACHE_TTL_SECONDS = 600


class DataUnavailable(Exception):
    """Base for the conditions a page turns into a plain-language notice instead of a traceback."""


class NoBuildPublished(DataUnavailable):
    def __init__(self, path: Path):
        super().__init__(f"no published build at {path}")
        self.path = path


class DataRefreshing(DataUnavailable):
    def __init__(self, path: Path, cause: BaseException):
        super().__init__(f"could not open {path} read-only: {cause}")
        self.path = path
        self.cause = cause


class MissingTable(DataUnavailable):
    def __init__(self, table: str, cause: BaseException):
        super().__init__(f"published build has no table {table}: {cause}")
        self.table = table


def home_shops() -> list[str]:
    """The shops a reader can choose between (empty for a single-shop home)."""
    from orchestration.lib.shops import home_shops

    return home_shops()


def default_shop(shops: list[str]) -> str:
    """The shop shown before the reader chooses: the first with a published build (else the first)."""
    from orchestration.lib.shops import snapshot_of

    return next((s for s in shops if snapshot_of(s).exists()), shops[0])


def current_shop() -> str | None:
    """The shop the pages show in a home of several shops (the reader's choice, else default_shop); None in a
    single-shop home (and the default shop's name is settings.DEFAULT_SHOP)."""
    shops = home_shops()
    if not shops:
        return None
    try:
        chosen = st.session_state.get(SHOP_KEY)
    except Exception:  # noqa: BLE001 — no script run context (plain Python, tests)
        chosen = None
    return chosen if chosen in shops else default_shop(shops)


def published_path() -> Path:
    """The snapshot every page reads: the home's own, or in a home of several shops the current shop's."""
    shop = current_shop()
    if shop is None:
        return settings.published_path()
    from orchestration.lib.shops import snapshot_of

    return snapshot_of(shop)


def published_version(path: Path | None = None) -> str:
    """Identity of the current snapshot: mtime, inode and size.

    os.replace gives the published path a new inode, so even two builds within the filesystem's
    mtime resolution get distinct cache keys.
    """
    path = path or published_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise NoBuildPublished(path) from None
    return f"{stat.st_mtime_ns}-{stat.st_ino}-{stat.st_size}"


def published_at() -> datetime | None:
    """When the current snapshot was published (file mtime), or None if there is none."""
    try:
        return datetime.fromtimestamp(published_path().stat().st_mtime, tz=UTC)
    except FileNotFoundError:
        return None


@contextmanager
def connect(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection to the published snapshot, closed on exit.

    Raises NoBuildPublished when there is no snapshot, DataRefreshing when it stays locked or
    unreadable (a replace in progress) after a few retries.
    """
    path = path or published_path()
    last_error: BaseException | None = None
    con = None
    for attempt in range(OPEN_ATTEMPTS):
        if not path.exists():
            raise NoBuildPublished(path)
        try:
            con = duckdb.connect(str(path), read_only=True)
            break
        except (duckdb.IOException, duckdb.ConnectionException, duckdb.InvalidInputException) as exc:
            # Lock held by a writer, or the file is mid-replace / not yet a complete database.
            last_error = exc
            time.sleep(OPEN_BACKOFF_SECONDS * (attempt + 1))
    if con is None:
        if not path.exists():
            raise NoBuildPublished(path)
        assert last_error is not None
        raise DataRefreshing(path, last_error)
    try:
        yield con
    finally:
        con.close()


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _cached_query(sql: str, params: tuple, path: str, version: str) -> pd.DataFrame:
    # `version` is unused in the body on purpose: it is part of the cache key,
    # so a new build (new mtime) or another TSW_HOME never serves stale rows.
    with connect(Path(path)) as con:
        return con.execute(sql, list(params)).df()


def query(sql: str, params: tuple | list = ()) -> pd.DataFrame:
    """Run `sql` on the published snapshot (cached until the snapshot changes or the TTL expires)."""
    path = published_path()
    version = published_version(path)
    try:
        return _cached_query(sql, tuple(params), str(path), version)
    except (duckdb.CatalogException, duckdb.BinderException) as exc:
        # No such table, or a column a newer pipeline added (a snapshot published by older code): same advice.
        raise MissingTable(_table_in(sql), exc) from exc


def _table_in(sql: str) -> str:
    words = sql.replace("\n", " ").split()
    for i, word in enumerate(words[:-1]):
        if word.lower() == "from":
            return words[i + 1].strip(";")
    return "?"


# ---------------------------------------------------------------------------------------------
# The marts the pages read. Columns are listed explicitly so a renamed column fails loudly here,
# in one place, rather than as a KeyError deep inside a page.
# ---------------------------------------------------------------------------------------------
CLAIM_COLUMNS = (
    "claim_id, source_id, article_title, outlet, author, published, document_file, locator, "
    "value_as_written, metric, subject, geography, period, period_year, qualifier, unit, "
    "normalized_unit, value_normalized, low_normalized, high_normalized, fx_rate_used, "
    "attributed_to, is_forecast, note"
)
MARKET_COLUMNS = (
    "market_figure_id, subject, geography, period, period_year, metric, normalized_unit, value, "
    "value_low, value_high, n_claims, n_sources, claim_ids, source_ids, attributed_to, any_forecast, "
    "has_conflict"
)
CHECK_COLUMNS = (
    "check_id, check_kind, description, subject, geography, period, metric, inputs_description, "
    "input_claim_ids, stated_claim_id, stated_value, recomputed_value, normalized_unit, "
    "relative_deviation, tolerance, status"
)


def cited_claims() -> pd.DataFrame:
    return query(f"select {CLAIM_COLUMNS} from marts.mart_cited_claims order by claim_id")


def market_size() -> pd.DataFrame:
    return query(
        f"select {MARKET_COLUMNS} from marts.mart_market_size "
        "order by subject, geography, metric, period_year nulls last, period"
    )


def claim_checks() -> pd.DataFrame:
    return query(f"select {CHECK_COLUMNS} from marts.mart_claim_checks order by check_id")


def split_ids(value: object) -> list[str]:
    """'c001_002, c003_004' → ['c001_002', 'c003_004'] (commas or semicolons, blanks dropped)."""
    if not isinstance(value, str):
        return []
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


# Categories page. Day grain, so any day range and the period before it can be summed (mart_category_daily: its
# days add up to mart_category_performance's months).
CATEGORY_DAILY_COLUMNS = (
    "channel, category_id, order_date, order_month, orders, cancelled_orders, units_sold, units_returned, "
    "gmv_usd, seller_discount_usd, platform_discount_usd, net_sales_usd, return_refunds_usd, "
    "net_revenue_usd, platform_fees_usd, affiliate_commission_usd, fulfilment_cost_usd, cogs_usd, ad_spend_usd, "
    "contribution_margin_usd, net_revenue_with_cost_usd, net_revenue_settled_usd, "
    # Units whose returns are unknown (Amazon before its FBA customer returns report is loaded).
    "case when not returns_in_export and units_sold > 0 then units_sold else 0 end as units_sold_returns_unknown"
)
CATEGORY_COLUMNS = (
    "category_id, category_name, category_name_zh, is_in_taxonomy, market_signal, market_signal_detail, "
    "hot_in, opportunity_in, risk_in, signal_claim_ids, signal_source_ids, article_terms"
)
# One row per product, channel and fixed window (7 ... 365 days): the page picks a window and filters.
UNIT_ECONOMICS_COLUMNS = (
    "product_id, channel, product_name, category_id, is_in_catalogue, cost_status, window_start, window_end, "
    "window_days, units_sold, units_returned, net_sales_usd, contribution_usd, price_per_unit_usd, "
    "fees_per_unit_usd, fulfilment_per_unit_usd, cogs_per_unit_usd, commission_per_unit_usd, "
    "return_cost_per_unit_usd, contribution_per_unit_usd, return_rate, is_losing_money"
)
UNMAPPED_PRODUCT_COLUMNS = (
    "product_id, product_name, category_id, tiktok_sku_id, tiktok_seller_sku, asin, amazon_seller_sku, "
    "shopify_sku, channels_sold, first_order_date, last_order_date, units_sold, net_sales_usd"
)


def category_marts() -> dict[str, pd.DataFrame]:
    return {
        "daily": query(f"select {CATEGORY_DAILY_COLUMNS} from marts.mart_category_daily "
                       "order by order_date, channel, category_id"),
        "categories": query(f"select {CATEGORY_COLUMNS} from marts.dim_categories order by category_id"),
        "unit_economics": query(f"select {UNIT_ECONOMICS_COLUMNS} from marts.mart_sku_unit_economics "
                                "order by window_days, product_id, channel"),
        # Products sold that the catalogue does not declare, cannot place in a category, or has no cost for.
        "unmapped": query(f"select {UNMAPPED_PRODUCT_COLUMNS} from marts.dim_products where units_sold > 0 and "
                          "(not is_in_catalogue or category_id = 'unmapped' or cost_status <> 'ok') "
                          "order by product_id"),
    }


def latest_order_date() -> object:
    """The newest order day in the warehouse (the data's "today"), or NaT/None without orders."""
    return query("select max(order_date) as d from marts.fct_order_lines")["d"].iloc[0]


def category_growth_notes() -> pd.DataFrame:
    """Category growth analyses the seller's data cannot support yet, with the reason in both languages."""
    return query("select analysis, reason_en, reason_zh from marts.mart_analysis_status "
                 "where channel = 'all' and status <> 'ok' and analysis like 'category_growth%' order by analysis")


# Spillover page. The estimates' and burst profile's columns come from their one schema (spillover_schema).
SPILLOVER_FLOOR_COLUMNS = (
    "product_group, target_channel, has_attribution_data, attributed_orders, attributed_sales_usd, "
    "orders_with_creator_code, orders_with_tiktok_note, orders_with_tiktok_tag, synced_tiktok_orders_excluded, "
    "tiktok_gmv_usd, floor_usd_per_usd_tiktok_gmv, status, reason, reason_zh"
)


def spillover_marts() -> dict[str, pd.DataFrame]:
    from orchestration.analysis.spillover_schema import MART_COLUMNS, PROFILE_SCHEMA

    return {
        "estimates": query(f"select {', '.join(MART_COLUMNS)} from marts.mart_spillover_estimates "
                           "order by product_group, target_channel"),
        "floor": query(f"select {SPILLOVER_FLOOR_COLUMNS} from marts.mart_spillover_attribution_floor"),
        "lags": query("select product_group, target_channel, lag_days, correlation, is_peak_lag "
                      "from marts.mart_spillover_lag_profile where grain in ('category', 'all') order by lag_days"),
        # the event study's own bursts (written with the estimates), so the chart shows the figure's events
        "profile": query(f"select {', '.join(PROFILE_SCHEMA)} from marts.mart_spillover_burst_profile "
                         "order by days_from_spike"),
    }
