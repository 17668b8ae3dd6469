"""Several shops in one home as Dagster partitions (issue 15): `shop_build`, one partition per named shop.

Each named shop (`inbox/<shop>/`, home `shops/<shop>/`) is built by the unchanged job on its own home, in its own
process and Dagster instance (`TSW_SHOP=<shop> tsw build`, orchestration/lib/shops.py), so one partition's bad
file or failed build is that partition's failed run and never another's. The root's own (default) shop keeps
`ingest_and_build_job`, its schedule and `inbox_sensor`, unchanged; `shop_build` is outside that job.

- `shop_sensor` registers a partition for every shop folder it finds and requests that shop's build when its
  inbox holds new file contents (one run per shop per tick, like `inbox_sensor`);
- `daily_shop_builds` requests every shop's build at the daily build's hour, in the root's time zone;
- after each shop's build its run refreshes `all_shops.duckdb` (the union with `shop`), under the union's lock.
"""

import dagster as dg

SHOP_PARTITIONS = dg.DynamicPartitionsDefinition(name="shop")
SHOP_BUILD_KEY = dg.AssetKey("shop_build")


@dg.definitions
def defs() -> dg.Definitions:
    from orchestration.defs.shops.automation import daily_shop_builds, shop_builds_job, shop_sensor
    from orchestration.defs.shops.build import shop_build

    return dg.Definitions(assets=[shop_build], jobs=[shop_builds_job], schedules=[daily_shop_builds],
                          sensors=[shop_sensor])
