"""The shops' job, daily schedule and inbox sensor (see definitions.py)."""

from __future__ import annotations

import json

import dagster as dg

from orchestration.defs.shops.definitions import SHOP_BUILD_KEY, SHOP_PARTITIONS
from orchestration.lib import seller_settings

shop_builds_job = dg.define_asset_job(
    "shop_builds_job",
    selection=dg.AssetSelection.assets(SHOP_BUILD_KEY),  # partitioned by shop, like its one asset
    description="Build one named shop (a partition) on its own home, then refresh all_shops.duckdb.",
)


@dg.schedule(
    name="daily_shop_builds",
    job=shop_builds_job,
    cron_schedule="0 6 * * *",
    execution_timezone=seller_settings.load_or_default().time_zone,
    description="Every morning, with the daily build: one build per named shop (each its own run).",
)
def daily_shop_builds(context: dg.ScheduleEvaluationContext):
    from orchestration import settings

    known = set(context.instance.get_dynamic_partitions(SHOP_PARTITIONS.name))
    shops = [s for s in settings.shops() if s in known]
    if not shops:
        return dg.SkipReason("no named shops (inbox/<shop>/) registered yet: shop_sensor registers them")
    day = context.scheduled_execution_time.strftime("%Y-%m-%d")  # one run per shop and morning
    return [dg.RunRequest(partition_key=shop, run_key=f"{shop}:{day}") for shop in shops]


def _shop_files(shop: str) -> list:
    """The regular files waiting in `inbox/<shop>/`, listed as that shop's own ingest lists them."""
    from orchestration import settings
    from orchestration.lib.ingest_precheck import inbox_entries

    return inbox_entries(settings.root_home() / "inbox" / shop)[0]


@dg.sensor(
    name="shop_sensor",
    job_name="shop_builds_job",
    minimum_interval_seconds=30,
    description="Registers a `shop` partition for every inbox/<shop>/ folder and starts that shop's build when "
                "its inbox holds new file contents (one run per shop per tick).",
)
def shop_sensor(context: dg.SensorEvaluationContext):
    from orchestration import settings
    from orchestration.defs.automation.sensors import (
        CURSOR_LIMIT,
        batch_run_key,
        content_hashes,
        loaded_hashes,
    )

    state = json.loads(context.cursor) if context.cursor else {}
    shops = settings.shops()
    known = set(context.instance.get_dynamic_partitions(SHOP_PARTITIONS.name))
    added = [s for s in shops if s not in known]
    requests = []
    new_state = {}
    for shop in shops:
        if shop not in known:
            continue  # registered on this tick; its files are looked at from the next tick on (30 s)
        seen: dict[str, str] = state.get(shop, {}).get("stat_to_sha", {})
        requested: list[str] = state.get(shop, {}).get("requested", [])
        current = content_hashes(_shop_files(shop), seen)
        candidates = [s for s in dict.fromkeys(current.values()) if s not in set(requested)]
        already = loaded_hashes(candidates, settings.shop_home(shop) / "published.duckdb")
        new = [s for s in candidates if s not in already]
        if new:
            requests.append(dg.RunRequest(
                partition_key=shop,
                run_key=f"{shop}:{batch_run_key(new)}",
                tags={"tsw/shop": shop, "tsw/new_files": str(len(new))},
            ))
        new_state[shop] = {"stat_to_sha": current, "requested": (requested + candidates)[-CURSOR_LIMIT:]}
    cursor = json.dumps(new_state, sort_keys=True)
    if not requests and not added:
        context.update_cursor(cursor)
        return dg.SkipReason("no new shop and no new file contents in any shop's inbox")
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[SHOP_PARTITIONS.build_add_request(added)] if added else [],
        cursor=cursor,
    )

