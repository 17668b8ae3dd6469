"""The raw layer: the cited-metrics registry, the seller-editable reference tables (each re-checked by its
Great Expectations suite) and one loader per seller-export kind."""

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    from orchestration.defs.ingest import articles, seller_exports

    return dg.Definitions(
        assets=[articles.article_registry, *articles.reference_assets, *seller_exports.build_assets()],
        asset_checks=[*articles.registry_asset_checks, *articles.reference_asset_checks],
    )
