"""Writers: canonical order lines -> files in the platforms' real layouts, as of an export time.

Every writer takes the line-level frames produced by sampling.py (an order's whole future) plus an
`as_of` time, and shows only what the platform would show at that moment. Formatting is vectorised
(numpy/pandas string ops), because the benchmark mode writes a million TikTok lines.

Quirks reproduced on purpose (seller-export-formats.md): TikTok CSV in UTF-8 with BOM, CRLF, a TAB
after IDs/zip/times (a lone TAB for an empty time), multi-line quoted `Shipping Information`, US
12-hour times, newest rows first, order-level amounts repeated per SKU line; Amazon TSV with ISO
times, blank prices on pending items, true/false and trailing empty columns, optionally Cp1252;
Business Report with `"$1,234.56"`, `12.34%`, `"1,234"`; Shopify with order fields on the first line
only, `+0000`-style offsets and apostrophe-prefixed zips.
"""

from __future__ import annotations

from tsw_demo.exports.amazon import (  # noqa: F401
    amazon_frame,
    write_amazon_tsv,
)
from tsw_demo.exports.files import (  # noqa: F401
    write_csv,
    write_xlsx,
)
from tsw_demo.exports.formats import (  # noqa: F401
    LOCAL_TZ,
    dollars,
    duration,
    iso_utc,
    money_2dp,
    money_plain,
    pandas_iso_utc,
    pandas_shopify_time,
    pandas_us_date,
    pandas_us_time,
    percent,
    shopify_time,
    thousands,
    us_date,
    us_time,
)
from tsw_demo.exports.shopify import (  # noqa: F401
    shopify_frame,
)
from tsw_demo.exports.tiktok import (  # noqa: F401
    affiliate_frame,
    stream_tiktok_orders_csv,
    tiktok_order_columns,
    tiktok_order_frame,
    tiktok_state,
    video_list_frame,
    write_product_analytics_xlsx,
    write_tiktok_orders_csv,
    write_tiktok_orders_xlsx,
)
