"""A small published snapshot with the three marts the pages read, for fast app tests.

The rows are synthetic but shaped like the real marts (same columns and types, money in USD,
percentages as fractions, comma-separated id lists), so the pages run exactly the code paths
they run on a real build. The end-to-end check against the real pipeline lives in
test_app_built.py and uses the session fixture `built_warehouse`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

APP_PATH = Path(__file__).resolve().parents[2] / "streamlit_app" / "app.py"

CLAIMS_DDL = """
create table marts.mart_cited_claims (
    claim_id varchar, source_id varchar, article_title varchar, outlet varchar, author varchar,
    published varchar, document_file varchar, locator varchar, value_as_written varchar,
    metric varchar, subject varchar, geography varchar, period varchar, period_year integer,
    qualifier varchar, unit varchar, normalized_unit varchar, value_normalized double,
    low_normalized double, high_normalized double, fx_rate_used double, attributed_to varchar,
    is_forecast boolean, note varchar
)"""

MARKET_DDL = """
create table marts.mart_market_size (
    market_figure_id varchar, subject varchar, geography varchar, period varchar,
    period_year integer, metric varchar, normalized_unit varchar, value double, value_low double,
    value_high double, n_claims integer, n_sources integer, claim_ids varchar, source_ids varchar,
    attributed_to varchar, any_forecast boolean, has_conflict boolean
)"""

CHECKS_DDL = """
create table marts.mart_claim_checks (
    check_id varchar, check_kind varchar, description varchar, subject varchar, geography varchar,
    period varchar, metric varchar, inputs_description varchar, input_claim_ids varchar,
    stated_claim_id varchar, stated_value double, recomputed_value double, normalized_unit varchar,
    relative_deviation double, tolerance double, status varchar
)"""

ART = {
    "s002": ("Article two (test)", "AMZ123", "2025-12-23", "002_test.txt"),
    "s003": ("Article three (test)", "TK观察", "2025-09-25", "003_test.txt"),
    "s004": ("Article four (test)", "小川电商", "2023", "004_test.txt"),
}

# claim_id, source, locator, as written, metric, subject, geo, period, year, qualifier, unit,
# normalized_unit, value, low, high, fx, attributed_to, forecast
CLAIMS = [
    (
        "c002_004",
        "s002",
        "p7",
        "870.2亿美元",
        "gmv",
        "US social commerce",
        "US",
        "2025",
        2025,
        "exact",
        "USD",
        "USD",
        87.02e9,
        87.02e9,
        87.02e9,
        None,
        "EMARKETER",
        True,
    ),
    (
        "c003_011",
        "s003",
        "p12",
        "约850亿美元",
        "gmv",
        "US social commerce",
        "US",
        "2025",
        2025,
        "approx",
        "USD",
        "USD",
        85.0e9,
        85.0e9,
        85.0e9,
        None,
        "article (unattributed)",
        True,
    ),
    (
        "c002_007",
        "s002",
        "p9",
        "17%",
        "share_of_market",
        "TikTok Shop",
        "US",
        "2025",
        2025,
        "exact",
        "percent",
        "ratio",
        0.17,
        0.17,
        0.17,
        None,
        "EMARKETER",
        True,
    ),
    (
        "c002_008",
        "s002",
        "p9",
        "150亿美元",
        "gmv",
        "TikTok Shop",
        "US",
        "2025",
        2025,
        "exact",
        "USD",
        "USD",
        15.0e9,
        15.0e9,
        15.0e9,
        None,
        "EMARKETER",
        True,
    ),
    (
        "c004_002",
        "s004",
        "p3",
        "90亿美元",
        "gmv",
        "TikTok Shop",
        "US",
        "2024",
        2024,
        "exact",
        "USD",
        "USD",
        9.0e9,
        9.0e9,
        9.0e9,
        None,
        "Marketplace Pulse",
        False,
    ),
    (
        "c003_020",
        "s003",
        "p30",
        "1.7亿",
        "user_count",
        "TikTok",
        "US",
        "2025",
        2025,
        "approx",
        "count",
        "count",
        170e6,
        170e6,
        170e6,
        None,
        "TikTok official",
        False,
    ),
    (
        "c004_005",
        "s004",
        "p8",
        "7000亿美元",
        "gmv",
        "Amazon",
        "US",
        "2023",
        2023,
        "exact",
        "USD",
        "USD",
        700e9,
        700e9,
        700e9,
        None,
        "Marketplace Pulse",
        False,
    ),
    (
        "c004_006",
        "s004",
        "p8",
        "4800亿美元",
        "gmv",
        "Amazon 3P",
        "US",
        "2023",
        2023,
        "exact",
        "USD",
        "USD",
        480e9,
        480e9,
        480e9,
        None,
        "Marketplace Pulse",
        False,
    ),
    (
        "c004_007",
        "s004",
        "p8",
        "2300亿美元",
        "gmv",
        "Amazon 1P",
        "US",
        "2023",
        2023,
        "exact",
        "USD",
        "USD",
        230e9,
        230e9,
        230e9,
        None,
        "Marketplace Pulse",
        False,
    ),
    (
        "c003_030",
        "s003",
        "p41",
        "600亿元",
        "gmv",
        "Amazon",
        "US",
        "2023",
        2023,
        "exact",
        "CNY",
        "USD",
        600e9 * 0.1412 / 1e1,
        8.472e9,
        8.472e9,
        0.1412,
        "practitioner: Test Person",
        False,
    ),
]

# market_figure_id, subject, geo, period, year, metric, unit, value, low, high, n_claims, n_sources,
# claim_ids, source_ids, attributed_to, any_forecast, has_conflict
FIGURES = [
    (
        "us_social_commerce__us__2025__gmv",
        "US social commerce",
        "US",
        "2025",
        2025,
        "gmv",
        "USD",
        86.01e9,
        85.0e9,
        87.02e9,
        2,
        2,
        "c002_004,c003_011",
        "s002,s003",
        "EMARKETER,article (unattributed)",
        True,
        False,
    ),
    (
        "tiktok_shop__us__2025__gmv",
        "TikTok Shop",
        "US",
        "2025",
        2025,
        "gmv",
        "USD",
        15.0e9,
        15.0e9,
        15.0e9,
        1,
        1,
        "c002_008",
        "s002",
        "EMARKETER",
        True,
        False,
    ),
    (
        "tiktok_shop__us__2024__gmv",
        "TikTok Shop",
        "US",
        "2024",
        2024,
        "gmv",
        "USD",
        9.0e9,
        9.0e9,
        9.0e9,
        1,
        1,
        "c004_002",
        "s004",
        "Marketplace Pulse",
        False,
        False,
    ),
    (
        "tiktok_shop__us__2025__share_of_market",
        "TikTok Shop",
        "US",
        "2025",
        2025,
        "share_of_market",
        "ratio",
        0.17,
        0.17,
        0.17,
        1,
        1,
        "c002_007",
        "s002",
        "EMARKETER",
        True,
        False,
    ),
    (
        "tiktok__us__2025__user_count",
        "TikTok",
        "US",
        "2025",
        2025,
        "user_count",
        "count",
        170e6,
        170e6,
        170e6,
        1,
        1,
        "c003_020",
        "s003",
        "TikTok official",
        False,
        False,
    ),
    (
        "amazon__us__2023__gmv",
        "Amazon",
        "US",
        "2023",
        2023,
        "gmv",
        "USD",
        354.236e9,
        8.472e9,
        700e9,
        2,
        2,
        "c004_005,c003_030",
        "s004,s003",
        "Marketplace Pulse,practitioner: Test Person",
        False,
        True,
    ),
]

CHECKS = [
    (
        "k001",
        "share_of_total",
        "TikTok Shop GMV as a share of US social commerce",
        "TikTok Shop",
        "US",
        "2025",
        "gmv",
        "c002_007 = 17%; c002_004 = 870.2亿美元",
        "c002_007,c002_004",
        "c002_008",
        15.0e9,
        0.17 * 87.02e9,
        "USD",
        (0.17 * 87.02e9 - 15.0e9) / 15.0e9,
        0.05,
        "within_tolerance",
    ),
    (
        "k002",
        "parts_sum",
        "Amazon 1P + 3P equals total GMV",
        "Amazon",
        "US",
        "2023",
        "gmv",
        "c004_006 = 4800亿美元; c004_007 = 2300亿美元",
        "c004_006,c004_007",
        "c004_005",
        700e9,
        710e9,
        "USD",
        10e9 / 700e9,
        0.01,
        "conflict",
    ),
    (
        "k003",
        "yoy_growth",
        "TikTok Shop GMV growth 2024 to 2025",
        "TikTok Shop",
        "US",
        "2025",
        "growth_rate_yoy",
        "c002_008 = 150亿美元; c004_002 = 90亿美元",
        "c002_008,c004_002",
        None,
        None,
        15.0 / 9.0 - 1,
        "ratio",
        None,
        0.05,
        "consistent",
    ),
]


def render_page(view: str, lang: str = "en", timeout: float = 60) -> AppTest:
    """The app opened in `lang` and switched to `views/<view>.py`, rendered with Streamlit's AppTest; fails on
    any exception the page raised."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP_PATH), default_timeout=timeout)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(f"views/{view}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def write_small_warehouse(path: Path, *, figures: list[tuple] | None = None) -> None:
    """Create a DuckDB file at `path` holding the three marts with the rows above."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute(CLAIMS_DDL)
        con.execute(MARKET_DDL)
        con.execute(CHECKS_DDL)
        rows = []
        for c in CLAIMS:
            title, outlet, published, document = ART[c[1]]
            rows.append(
                (
                    c[0],
                    c[1],
                    title,
                    outlet,
                    None,
                    published,
                    document,
                    c[2],
                    c[3],
                    c[4],
                    c[5],
                    c[6],
                    c[7],
                    c[8],
                    c[9],
                    c[10],
                    c[11],
                    c[12],
                    c[13],
                    c[14],
                    c[15],
                    c[16],
                    c[17],
                    "synthetic test row",
                )
            )
        con.executemany(f"insert into marts.mart_cited_claims values ({', '.join(['?'] * 24)})", rows)
        figures = FIGURES if figures is None else figures
        if figures:
            con.executemany(f"insert into marts.mart_market_size values ({', '.join(['?'] * 17)})", figures)
        con.executemany(f"insert into marts.mart_claim_checks values ({', '.join(['?'] * 16)})", CHECKS)
    finally:
        con.close()
