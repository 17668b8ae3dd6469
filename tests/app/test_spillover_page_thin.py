"""The Spillover page for a seller with a week of exports, or with none: no error, and the reason there is
no figure stands where the figure would be, in the reader's language."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from orchestration.defs.analysis.spillover_estimates import run_spillover_step
from orchestration.lib.warehouse import publish
from tests.analysis.thin_marts import mart_rows, write_mart
from tests.app.marts_fixture import APP_PATH

# The page also reads the SQL spillover marts; on thin data the lag profile is empty and the floor has its
# 'all' rows with a status, as dbt builds them (the burst profile is written by run_spillover_step, empty here).
SQL_MARTS = """
create table marts.mart_spillover_lag_profile (grain varchar, product_group varchar, target_channel varchar,
    lag_days integer, n_days integer, correlation double, is_peak_lag boolean);
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


@pytest.fixture(params=[0, 7], ids=["no_exports", "seven_days"])
def thin_home(request, tmp_path, monkeypatch):
    monkeypatch.setenv("TSW_HOME", str(tmp_path))
    path = tmp_path / "warehouse.duckdb"
    write_mart(path, mart_rows(request.param))
    run_spillover_step(path)
    with duckdb.connect(str(path)) as con:
        con.execute(SQL_MARTS)
    publish()
    return request.param


def run_page(lang: str) -> AppTest:
    at = AppTest.from_file(str(APP_PATH), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("views/spillover.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 6.4 s in a loaded unit lane
def test_the_page_shows_why_there_is_no_figure_in_both_languages(thin_home):
    days = thin_home
    en, zh = run_page("en"), run_page("zh")
    notice_en = " ".join(i.value for i in en.info)
    notice_zh = " ".join(i.value for i in zh.info)
    if days == 0:
        assert "No TikTok Shop sales" in notice_en
        assert "还没有 TikTok Shop 销售" in notice_zh
    else:
        assert "7 days of TikTok Shop sales; the estimate needs at least 90" in notice_en
        assert "只有 7 天" in notice_zh
    # No figure is made up: no KPI shows a dollar amount for the modelled estimate.
    assert not [m for m in en.metric if m.label == "Modelled spillover"]
    # The table of every method says why each has no figure.
    table = en.dataframe[0].value
    assert table.iloc[:, -1].str.len().gt(20).all()
