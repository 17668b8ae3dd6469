"""Raw-layer assets for the cited-metrics registry and the seller-editable reference tables.

Both are small, hand-maintained CSVs: each load validates the file(s) with Great
Expectations first and then replaces the raw table(s) in one transaction, so a bad file
fails the run with a message naming the file, row and rule while the warehouse keeps its
previous good data. The same suites run again as asset checks on what was stored.
"""


import dagster as dg
import pandas as pd

from orchestration.defs.resources import WarehouseResource
from orchestration.lib.article_registry import read_registry, validate_registry
from orchestration.lib.reference_tables import REFERENCE_TABLES, validate_reference_table
from orchestration.quality.gx import run_suite
from orchestration.quality.suites import (
    checks_suite,
    claims_suite,
    reference_suite,
    sources_suite,
    vocabularies_suite,
)
from orchestration.quality.violations import ValidationFailed

POOL = "warehouse_writer"
REGISTRY_TABLES = {
    "article_sources": "Articles the cited figures were read in (seeds/articles/sources.csv).",
    "cited_metrics": "Every quantitative claim of the articles as written, with the parsed numbers "
                     "(seeds/articles/cited_metrics.csv).",
    "metric_vocabularies": "Controlled vocabularies of the registry (seeds/articles/vocabularies.csv).",
    "claim_check_definitions": "Article arithmetic to re-check (seeds/articles/claim_checks.csv).",
}


def _stamp(frame: pd.DataFrame, source_file: str, loaded_at: pd.Timestamp) -> pd.DataFrame:
    frame = frame.copy()
    frame["_source_file"] = source_file
    frame["_loaded_at"] = loaded_at
    return frame


@dg.multi_asset(
    name="article_registry",
    specs=[
        dg.AssetSpec(["raw", name], description=desc, group_name="articles", kinds={"duckdb", "csv"})
        for name, desc in REGISTRY_TABLES.items()
    ],
    pool=POOL,
)
def article_registry(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Validate the four registry files together, then replace the four raw tables atomically."""
    try:
        reg = validate_registry(read_registry())
    except ValidationFailed as exc:
        raise dg.Failure(description=str(exc)) from exc
    now = pd.Timestamp.now(tz="UTC").tz_localize(None)
    frames = {
        "raw.article_sources": _stamp(reg.sources, "seeds/articles/sources.csv", now),
        "raw.cited_metrics": _stamp(reg.claims, "seeds/articles/cited_metrics.csv", now),
        "raw.metric_vocabularies": _stamp(reg.vocabularies, "seeds/articles/vocabularies.csv", now),
        "raw.claim_check_definitions": _stamp(reg.checks, "seeds/articles/claim_checks.csv", now),
    }
    warehouse.replace_tables(frames)
    for qualified, frame in frames.items():
        yield dg.MaterializeResult(
            asset_key=["raw", qualified.split(".")[1]],
            metadata={"rows": dg.MetadataValue.int(len(frame)), "file": frame["_source_file"].iloc[0]},
        )


def _reference_asset(name: str) -> dg.AssetsDefinition:
    spec = REFERENCE_TABLES[name]

    @dg.asset(
        key=["raw", name],
        group_name="reference",
        kinds={"duckdb", "csv"},
        description=f"Reference table {spec.repo_path} (documented in the README beside it).",
        pool=POOL,
    )
    def _load(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        try:
            frame = validate_reference_table(spec)
        except ValidationFailed as exc:
            raise dg.Failure(description=str(exc)) from exc
        frame = _stamp(frame, spec.repo_path, pd.Timestamp.now(tz="UTC").tz_localize(None))
        warehouse.replace_tables({spec.raw_table: frame})
        return dg.MaterializeResult(metadata={"rows": dg.MetadataValue.int(len(frame))})

    return _load


def _stored(warehouse: WarehouseResource, table: str) -> pd.DataFrame:
    return warehouse.read(f"select * exclude (_source_file, _loaded_at) from {table}")


def _check_result(frame: pd.DataFrame, suite: list, label: str) -> dg.AssetCheckResult:
    violations = run_suite(frame, suite, file_label=label, suite_name=label.replace(".", "_"))
    return dg.AssetCheckResult(
        passed=not violations,
        metadata={
            "rows_checked": len(frame),
            "expectations": len(suite),
            "failures": dg.MetadataValue.md("\n".join(f"- {v}" for v in violations[:50]) or "none"),
        },
    )


def _registry_checks() -> list[dg.AssetChecksDefinition]:
    @dg.asset_check(asset=["raw", "article_sources"], name="gx_article_sources", pool=POOL,
                    description="Great Expectations suite for the article list, re-run on the stored table.")
    def gx_article_sources(warehouse: WarehouseResource):
        return _check_result(_stored(warehouse, "raw.article_sources"), sources_suite(), "raw.article_sources")

    @dg.asset_check(asset=["raw", "metric_vocabularies"], name="gx_metric_vocabularies", pool=POOL,
                    description="Great Expectations suite for the controlled vocabularies.")
    def gx_metric_vocabularies(warehouse: WarehouseResource):
        return _check_result(_stored(warehouse, "raw.metric_vocabularies"), vocabularies_suite(), "raw.metric_vocabularies")

    @dg.asset_check(asset=["raw", "cited_metrics"], name="gx_cited_metrics", pool=POOL,
                    additional_deps=[["raw", "article_sources"], ["raw", "metric_vocabularies"]],
                    description="Great Expectations suite for cited claims: vocabularies, periods, bounds, "
                                "qualifier and currency agreeing with the text.")
    def gx_cited_metrics(warehouse: WarehouseResource):
        claims = _stored(warehouse, "raw.cited_metrics")
        claims["is_forecast"] = claims["is_forecast"].map({True: "true", False: "false"})
        claims["parse_error"] = None
        vocab = _stored(warehouse, "raw.metric_vocabularies")
        sources = _stored(warehouse, "raw.article_sources")
        return _check_result(claims, claims_suite(vocab, sorted(sources["source_id"])), "raw.cited_metrics")

    @dg.asset_check(asset=["raw", "claim_check_definitions"], name="gx_claim_check_definitions", pool=POOL,
                    additional_deps=[["raw", "cited_metrics"]],
                    description="Great Expectations suite for claim-check definitions.")
    def gx_claim_check_definitions(warehouse: WarehouseResource):
        checks = _stored(warehouse, "raw.claim_check_definitions")
        known = set(_stored(warehouse, "raw.cited_metrics")["claim_id"])
        checks["unknown_input_claim_ids"] = [
            ";".join(i for i in ids.split(";") if i.strip() and i.strip() not in known) or None
            for ids in checks["input_claim_ids"].fillna("")
        ]
        checks["tolerance_value"] = checks["tolerance"]
        return _check_result(checks, checks_suite(sorted(known)), "raw.claim_check_definitions")

    return [gx_article_sources, gx_metric_vocabularies, gx_cited_metrics, gx_claim_check_definitions]


def _reference_check(name: str) -> dg.AssetChecksDefinition:
    spec = REFERENCE_TABLES[name]

    @dg.asset_check(asset=["raw", name], name=f"gx_{name}", pool=POOL,
                    description=f"Great Expectations suite for {name}, re-run on the stored table.")
    def _check(warehouse: WarehouseResource):
        frame = _stored(warehouse, spec.raw_table)
        for col in spec.numeric + spec.optional_numeric:
            if col in frame.columns:
                frame[f"{col}__not_a_number"] = None
        return _check_result(frame, reference_suite(spec), spec.raw_table)

    return _check


reference_assets = [_reference_asset(name) for name in REFERENCE_TABLES]
registry_asset_checks = _registry_checks()
reference_asset_checks = [_reference_check(name) for name in REFERENCE_TABLES]
