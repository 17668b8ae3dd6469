"""The spillover regression as a Dagster asset: marts.mart_spillover_estimates.

dbt builds the daily panel (marts.mart_channel_daily) and the attribution floor; what SQL cannot do — the distributed-lag regression with HAC intervals,
the placebo, the sufficiency and confounding diagnostics — runs here, by calling
`orchestration.analysis.spillover.estimate_all` on panels read from the mart:

- product groups: every category and "all", each made of the products promoted on TikTok (the mart's
  category and all grains already leave the never-promoted products out);
- target channels: Amazon and Shopify;
- control series: the same channel's sales of the never-promoted products that day;
- events: Prime Day, BFCM, the share of the group's products on promotion and stocked out.

Beside it the step writes marts.mart_spillover_burst_profile: the average day-by-day excess around the
event study's own bursts (the page's spike chart), so chart and figure come from the same events; and
marts.mart_spillover_lag_profile: the lag correlations of every grain's panel (the page's timing chart), from
the same `lag_correlation` as the lag_correlation rows (it was a dbt model mirroring it, held by a parity test).
Each table is replaced in one statement, so readers of the warehouse never see half an update.
"""

import logging
from pathlib import Path

import dagster as dg
import duckdb
import numpy as np
import pandas as pd

from orchestration.analysis import spillover_schema as schema
from orchestration.lib import warehouse
from orchestration.lib.descriptions import comment_table

POOL = "warehouse_writer"
TABLE = "marts.mart_spillover_estimates"
PANEL_SOURCE = "marts.mart_channel_daily"
TARGET_CHANNELS = schema.TARGET_CHANNELS
COLUMN_TYPES: dict[str, str] = schema.MART_SCHEMA  # the mart's one schema, owned by the estimator
# The page's "around TikTok spikes" chart: written by the same step from the event study's own bursts, so
# the chart shows the events the figure used (the spike rule has one owner, find_bursts).
PROFILE_TABLE = "marts.mart_spillover_burst_profile"
PROFILE_TYPES: dict[str, str] = schema.PROFILE_SCHEMA
LAG_PROFILE_TABLE = "marts.mart_spillover_lag_profile"
LAG_PROFILE_TYPES: dict[str, str] = schema.LAG_PROFILE_SCHEMA
# Every grain (product, category, all), as mart_channel_daily has them: one series per grain x group.
_LAG_PANEL_SQL = f"""
    select grain, product_group, date_day, tiktok_gmv_usd, amazon_sales_usd, shopify_sales_usd
    from {PANEL_SOURCE}
    order by grain, product_group, date_day
"""

_PANEL_SQL = f"""
    select
        product_group,
        date_day,
        tiktok_gmv_usd,
        coalesce(tiktok_video_impressions, 0) + coalesce(tiktok_live_views, 0) as tiktok_views,
        amazon_sales_usd,
        shopify_sales_usd,
        amazon_control_sales_usd,
        shopify_control_sales_usd,
        is_prime_day,
        is_bfcm,
        promo_share,
        stockout_share
    from {PANEL_SOURCE}
    where grain in ('category', 'all')
    order by product_group, date_day
"""


class SpilloverInputError(RuntimeError):
    """The panel mart is missing or empty; the message says what to run."""


def read_panels(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Long panels for estimate_all: one row per product group x target channel x day."""
    try:
        wide = conn.execute(_PANEL_SQL).df()
    except duckdb.CatalogException as exc:
        raise SpilloverInputError(
            f"{PANEL_SOURCE} is not in the warehouse: run the dbt models first (tsw build). ({exc})"
        ) from exc
    frames = []
    for channel in TARGET_CHANNELS:
        frames.append(
            pd.DataFrame(
                {
                    "product_group": wide["product_group"],
                    "target_channel": channel,
                    "date": pd.to_datetime(wide["date_day"]),
                    "tiktok_gmv": wide["tiktok_gmv_usd"].astype(float),
                    "target_sales": wide[f"{channel}_sales_usd"].astype(float),
                    "tiktok_views": wide["tiktok_views"].astype(float),
                    # NaN on every day when the seller has no never-promoted product: estimate_all then runs
                    # without a control series and the confounding check applies.
                    "control_sales": wide[f"{channel}_control_sales_usd"].astype(float),
                    "is_prime_day": wide["is_prime_day"].astype(float),
                    "is_bfcm": wide["is_bfcm"].astype(float),
                    "is_promo": wide["promo_share"].astype(float),
                    "is_stockout": wide["stockout_share"].astype(float),
                }
            )
        )
    # No TikTok-promoted product with orders yet (a new seller, Amazon or Shopify only): no rows, and
    # estimate() then publishes "insufficient data" rows instead of failing the build.
    return pd.concat(frames, ignore_index=True)


def lag_profiles(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """marts.mart_spillover_lag_profile's rows: `lag_profile` of each grain x group x target channel's panel."""
    return lag_profiles_of(conn.execute(_LAG_PANEL_SQL).df())


def lag_profiles_of(wide: pd.DataFrame) -> pd.DataFrame:
    """`lag_profiles` on the panels already read (one row per grain, group and day, a column per channel)."""
    from orchestration.analysis.spillover import lag_profile

    frames = []
    for (grain, group), days in wide.groupby(["grain", "product_group"], sort=True):
        for channel in TARGET_CHANNELS:
            panel = pd.DataFrame({"tiktok_gmv": days["tiktok_gmv_usd"].astype(float).to_numpy(),
                                  "target_sales": days[f"{channel}_sales_usd"].astype(float).to_numpy()})
            profile = lag_profile(panel)
            frames.append(profile.assign(grain=grain, product_group=group, target_channel=channel))
    if not frames:
        return pd.DataFrame(columns=list(LAG_PROFILE_TYPES))
    return pd.concat(frames, ignore_index=True)[list(LAG_PROFILE_TYPES)]


def estimate_with_profiles(panels: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """estimate_tables on the panels: every group x channel x method gets a row with its status; beside it
    the burst profiles of the event study's own bursts (the page's spike chart)."""
    from orchestration.analysis.spillover import estimate_tables

    rows, profiles = estimate_tables(panels, channels=TARGET_CHANNELS)
    return rows[list(COLUMN_TYPES)], profiles


def estimate(panels: pd.DataFrame) -> pd.DataFrame:
    """The estimates mart's rows only (estimate_with_profiles)."""
    return estimate_with_profiles(panels)[0]


def _replace_table(conn: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, types: dict[str, str]) -> None:
    # float NaN → SQL NULL: "no estimate" must read as missing, not as a number.
    frame = frame[list(types)].astype(object).where(frame[list(types)].notna(), None)
    conn.register("_spillover_rows", frame)
    try:
        casts = ",\n".join(f"cast({c} as {t}) as {c}" for c, t in types.items())
        conn.execute("create schema if not exists marts")
        conn.execute(f"create or replace table {table} as select {casts} from _spillover_rows")
        # Descriptions from the dbt source YAML, as dbt's persist_docs does for its models.
        comment_table(conn, table)
    finally:
        conn.unregister("_spillover_rows")


def write_estimates(
    conn: duckdb.DuckDBPyConnection, rows: pd.DataFrame, profiles: pd.DataFrame | None = None,
    lags: pd.DataFrame | None = None,
) -> None:
    _replace_table(conn, TABLE, rows, COLUMN_TYPES)
    for table, frame, types in ((PROFILE_TABLE, profiles, PROFILE_TYPES), (LAG_PROFILE_TABLE, lags, LAG_PROFILE_TYPES)):
        _replace_table(conn, table, pd.DataFrame(columns=list(types)) if frame is None else frame, types)


def run_spillover_step(path: Path | None = None) -> pd.DataFrame:
    """Read the panels, estimate, write the estimates mart, the burst profiles and the lag profiles; returns the
    rows written."""
    with warehouse.writer(path) as conn:
        panels = read_panels(conn)
        lag_panels = conn.execute(_LAG_PANEL_SQL).df()
    # The calculations hold no connection: they are the slow part and need none.
    try:
        lags = lag_profiles_of(lag_panels)
    except Exception:  # the timing chart is descriptive: a bug in it must not cost the estimates their publish
        logging.getLogger(__name__).exception("lag profile failed; %s is written empty", LAG_PROFILE_TABLE)
        lags = None
    rows, profiles = estimate_with_profiles(panels)
    with warehouse.writer(path) as conn:
        write_estimates(conn, rows, profiles, lags)
    return rows


# ------------------------------------------------------------------------------------------ quality
def check_estimates(rows: pd.DataFrame) -> list:
    """Violations of the suite (empty when the table is sound)."""
    from orchestration.quality.gx import run_suite
    from orchestration.quality.suites import estimates_suite

    frame = rows.astype(object).where(rows.notna(), None)
    return run_suite(frame, estimates_suite(), file_label=TABLE, suite_name="mart_spillover_estimates")


# ------------------------------------------------------------------------------------------ Dagster
@dg.asset(
    key=["marts", "mart_spillover_estimates"],
    deps=[["marts", "mart_channel_daily"]],
    group_name="marts_spillover",
    kinds={"python", "duckdb"},
    pool=POOL,
    description="How much extra Amazon / Shopify revenue follows $1 of TikTok Shop GMV, per product group "
    "and channel: distributed-lag regression with placebo, event study and lag correlation, "
    "each with its interval, diagnostics and a plain-words explanation; beside it "
    "marts.mart_spillover_burst_profile, the sales around the event study's own bursts, and "
    "marts.mart_spillover_lag_profile, every grain's lag correlations.",
)
def mart_spillover_estimates(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    try:
        rows = run_spillover_step()
    except SpilloverInputError as exc:
        raise dg.Failure(description=str(exc)) from exc
    status_counts = rows["status"].value_counts().to_dict()
    reg = rows[rows["method"] == "regression_dl"]
    summary = "\n".join(
        f"- {r.product_group} → {r.target_channel}: {r.estimate:.3f} [{r.ci_low:.3f}, {r.ci_high:.3f}] "
        f"({r.sufficiency_verdict})"
        for r in reg.itertuples()
        if np.isfinite(r.estimate)
    )
    return dg.MaterializeResult(
        metadata={
            "rows": dg.MetadataValue.int(len(rows)),
            "groups": dg.MetadataValue.int(int(rows["product_group"].nunique())),
            "rows by status": dg.MetadataValue.json({k: int(v) for k, v in status_counts.items()}),
            "regression estimates (USD per USD TikTok GMV)": dg.MetadataValue.md(summary or "none"),
        }
    )


@dg.asset_check(
    asset=["marts", "mart_spillover_estimates"],
    name="gx_mart_spillover_estimates",
    pool=POOL,
    description="Great Expectations suite on the stored estimates: ci_low ≤ estimate ≤ ci_high, methods, "
    "channels, units and sufficiency verdicts from their sets, non-null keys, one row per key.",
)
def gx_mart_spillover_estimates() -> dg.AssetCheckResult:
    with warehouse.writer() as conn:
        rows = conn.execute(f"select * from {TABLE}").df()
    violations = check_estimates(rows)
    return dg.AssetCheckResult(
        passed=not violations,
        metadata={
            "rows_checked": len(rows),
            "failures": dg.MetadataValue.md("\n".join(f"- {v}" for v in violations[:50]) or "none"),
        },
    )


def failed_analyses(rows: pd.DataFrame) -> list[str]:
    """One line per group x channel x method whose calculation crashed (status failed)."""
    bad = rows[rows["status"] == schema.STATUS_FAILED]
    return [f"{r.product_group} → {r.target_channel} / {r.method}: {r.warnings}" for r in bad.itertuples()]


def unexplained_rows(rows: pd.DataFrame) -> list[str]:
    """Rows that publish no figure without saying why in both languages (never expected)."""
    no_figure = rows[rows["status"] != schema.STATUS_OK]
    bad = no_figure[no_figure["reason"].isna() | no_figure["reason_zh"].isna()]
    return [f"{r.product_group} → {r.target_channel} / {r.method}: status {r.status} without a reason"
            for r in bad.itertuples()]


@dg.asset_check(
    asset=["marts", "mart_spillover_estimates"],
    name="spillover_analyses_ran",
    pool=POOL,
    description="Every spillover analysis ran: no group x channel x method has status 'failed' (a crash in "
    "the estimator, published as a row with its error so the rest of the build still publishes), and "
    "every row without a figure says why in English and Chinese.",
)
def spillover_analyses_ran() -> dg.AssetCheckResult:
    with warehouse.writer() as conn:
        rows = conn.execute(f"select * from {TABLE}").df()
    failed = failed_analyses(rows)
    unexplained = unexplained_rows(rows)
    problems = failed + unexplained
    return dg.AssetCheckResult(
        passed=not problems,
        description=(f"{len(failed)} spillover analyses failed" if failed else None),
        metadata={
            "rows_checked": len(rows),
            "by status": dg.MetadataValue.json(
                {k: int(v) for k, v in rows["status"].value_counts().to_dict().items()}
            ),
            "failures": dg.MetadataValue.md("\n".join(f"- {p}" for p in problems[:50]) or "none"),
        },
    )


assets = [mart_spillover_estimates]
asset_checks = [gx_mart_spillover_estimates, spillover_analyses_ran]
