"""The `shop_build` asset: one partition = one named shop's whole build on its own home."""

import dagster as dg

from orchestration.defs.shops.definitions import SHOP_BUILD_KEY, SHOP_PARTITIONS


@dg.asset(
    key=SHOP_BUILD_KEY,
    partitions_def=SHOP_PARTITIONS,
    group_name="shops",
    kinds={"duckdb"},
    description="One named shop's build (`TSW_SHOP=<shop> tsw build`: its own home shops/<shop>/, warehouse, "
                "snapshot and Dagster instance), then all_shops.duckdb refreshed. A failed shop fails only its "
                "own partition.",
)
def shop_build(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    from orchestration import settings
    from orchestration.lib import shops

    shop = context.partition_key
    if shop not in settings.shops():
        raise dg.Failure(description=f"shop {shop!r} has no folder in {settings.root_home() / 'inbox'} or "
                                     f"{settings.root_home() / 'shops'} any more: nothing to build")
    [run] = shops.run_each_shop(["build"], [shop], say=context.log.info)
    union = shops.publish_all_shops()
    metadata = {
        "shop home": str(settings.shop_home(shop)),
        "seconds": dg.MetadataValue.float(round(run.seconds, 1)),
        "all shops": dg.MetadataValue.path(str(union.path)),
        "shops in the union": ", ".join(union.published),
    }
    if run.returncode != 0:
        raise dg.Failure(
            description=f"shop {shop}'s build failed (exit {run.returncode}); its log is in "
                        f"{settings.shop_home(shop) / 'logs'}. Other shops are not affected; all_shops.duckdb "
                        f"keeps {shop}'s last published build" + (" (none yet)" if shop not in union.published else ""),
            metadata=metadata,
        )
    return dg.MaterializeResult(metadata=metadata)
