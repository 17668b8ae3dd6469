"""A published home for the Spillover page tests: the spillover marts of a thin seller (`days` of exports) as
the build writes them, and the page rendered with Streamlit's AppTest."""

from __future__ import annotations

import duckdb

from orchestration.defs.analysis.spillover_estimates import run_spillover_step
from orchestration.lib.warehouse import publish
from tests.analysis.thin_marts import mart_rows, write_mart
from tests.app.marts_fixture import render_page

# The page also reads the attribution floor, a dbt mart: on thin data it has its 'all' rows with a status, as dbt
# builds them (the burst and lag profiles are written by run_spillover_step, empty here).
SQL_MARTS = """
create table marts.mart_spillover_attribution_floor as
select 'all' as product_group, channel as target_channel, channel = 'shopify' as has_attribution_data,
    cast(0 as bigint) as attributed_orders, 0.0 as attributed_sales_usd, cast(0 as bigint) as orders_with_creator_code,
    cast(0 as bigint) as orders_with_tiktok_note, cast(0 as bigint) as orders_with_tiktok_tag,
    cast(0 as bigint) as synced_tiktok_orders_excluded, 1000.0 as tiktok_gmv_usd,
    case when channel = 'shopify' then 0.0 end as floor_usd_per_usd_tiktok_gmv,
    case when channel = 'shopify' then 'ok' else 'not_applicable' end as status,
    case when channel = 'amazon' then 'No Amazon Attribution data was supplied.' end as reason,
    case when channel = 'amazon' then '未提供亚马逊归因数据。' end as reason_zh,
from (select unnest(['amazon', 'shopify']) as channel);
"""


def publish_thin_home(tmp_path, monkeypatch, days: int, statement: str | None = None, params=None) -> None:
    """Build and publish the thin home in `tmp_path`; `statement` (with `params`) edits its marts first."""
    monkeypatch.setenv("TSW_HOME", str(tmp_path))
    path = tmp_path / "warehouse.duckdb"
    write_mart(path, mart_rows(days))
    run_spillover_step(path)
    with duckdb.connect(str(path)) as con:
        con.execute(SQL_MARTS)
        if statement:
            con.execute(statement, params)
    publish()


def run_page(lang: str):
    return render_page("spillover", lang)
