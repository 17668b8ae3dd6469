"""The Dagster code location: the domain folders under defs/, loaded with `dg.load_defs`, plus the
published snapshot, which depends on the graph's sinks and so runs last and waits for everything.

Each domain folder declares its own definitions in a `definitions.py` (ingest, transform, quality,
automation) or at module scope (analysis); everything is built when the code location loads
(@dg.definitions), never at import: importing this module does no work.
"""

from __future__ import annotations

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    import orchestration.defs as domains
    from orchestration.defs.reporting.publish import build_publish_asset

    loaded = dg.load_defs(domains)
    # The named shops' builds (defs/shops) run on other homes: this shop's snapshot does not wait for them.
    assets = [a for a in loaded.assets or [] if isinstance(a, dg.AssetsDefinition)
              and a.partitions_def is None]
    return dg.Definitions.merge(loaded, dg.Definitions(assets=[build_publish_asset(sinks(assets))]))


def sinks(assets: list[dg.AssetsDefinition]) -> list[dg.AssetKey]:
    """The assets nothing else depends on. Every asset is upstream of one of them, so an asset that
    depends on these (the published snapshot) runs last and waits for everything."""
    produced = {key for a in assets for key in a.keys}
    needed = {dep for a in assets for deps in a.asset_deps.values() for dep in deps}
    return sorted(produced - needed, key=lambda key: key.to_user_string())
