"""The cited-metrics registry (seeds/articles/): read, derive parsed quantities, validate.

The registry keeps every figure as written in the article. This module derives the
numbers from that text with the one parser (`orchestration.lib.quantities`) and checks
the four files together with Great Expectations before anything reaches the warehouse.
A failing file raises `ValidationFailed` naming the file, the data row and the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from orchestration import settings
from orchestration.lib.quantities import QuantityParseError, parse_quantity
from orchestration.quality.violations import ValidationFailed, Violation

PERIOD_REGEX = r"^\d{4}(-(Q[1-4]|H[12]|\d{2}(-\d{2})?))?(\.\.\d{4}(-(Q[1-4]|H[12]|\d{2}(-\d{2})?))?)?$"
CHECK_KINDS = ["share_of_total", "ratio_projection", "multiple", "parts_sum", "yoy_growth"]

SOURCES_COLUMNS = ["source_id", "title", "outlet", "author", "published", "language", "document_file"]
CLAIM_COLUMNS = [
    "claim_id", "source_id", "locator", "value_as_written", "metric", "subject", "geography", "period",
    "qualifier", "unit", "attributed_to", "is_forecast", "note",
]
VOCAB_COLUMNS = ["field", "value", "description"]
CHECK_COLUMNS = ["check_id", "check_kind", "description", "stated_claim_id", "input_claim_ids", "tolerance"]
VOCAB_FIELDS = ["metric", "subject", "geography", "qualifier", "unit", "attributed_to"]


@dataclass
class Registry:
    sources: pd.DataFrame
    claims: pd.DataFrame
    vocabularies: pd.DataFrame
    checks: pd.DataFrame


def read_csv_text(path: Path) -> pd.DataFrame:
    """Every cell as text, empty cells as None (never NaN floats or the string 'nan')."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame = frame.apply(lambda col: col.str.strip())
    return frame.replace({"": None}).astype(object).where(frame != "", None)


def _label(path: Path) -> str:
    try:
        return str(path.relative_to(settings.REPO_ROOT))
    except ValueError:
        return str(path)


def _require_columns(frame: pd.DataFrame, columns: list[str], path: Path) -> list[Violation]:
    missing = [c for c in columns if c not in frame.columns]
    return [Violation(_label(path), None, "required columns present", f"missing column {c!r}") for c in missing]


def _parse_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """Add parsed_value/low/high, text_qualifier, text_currency and parse_error columns."""
    rows = []
    for text in claims["value_as_written"]:
        try:
            q = parse_quantity(text or "")
            rows.append((q.value, q.low, q.high, q.qualifier, q.currency, None))
        except QuantityParseError as exc:
            rows.append((None, None, None, None, None, str(exc)))
    parsed = pd.DataFrame(
        rows,
        columns=["parsed_value", "parsed_low", "parsed_high", "text_qualifier", "text_currency", "parse_error"],
        index=claims.index,
    )
    for col in ("parsed_value", "parsed_low", "parsed_high"):
        parsed[col] = parsed[col].astype("float64")
    return pd.concat([claims, parsed], axis=1)


def read_registry(directory: Path | None = None) -> Registry:
    directory = directory or settings.ARTICLE_SEEDS_DIR
    return Registry(
        sources=read_csv_text(directory / "sources.csv"),
        claims=read_csv_text(directory / "cited_metrics.csv"),
        vocabularies=read_csv_text(directory / "vocabularies.csv"),
        checks=read_csv_text(directory / "claim_checks.csv"),
    )


def validate_registry(reg: Registry, directory: Path | None = None) -> Registry:
    """Validate the four files together; return them ready to load (claims with parsed columns)."""
    directory = directory or settings.ARTICLE_SEEDS_DIR
    paths = {name: directory / f"{name}.csv" for name in ("sources", "cited_metrics", "vocabularies", "claim_checks")}
    structural = (
        _require_columns(reg.sources, SOURCES_COLUMNS, paths["sources"])
        + _require_columns(reg.claims, CLAIM_COLUMNS, paths["cited_metrics"])
        + _require_columns(reg.vocabularies, VOCAB_COLUMNS, paths["vocabularies"])
        + _require_columns(reg.checks, CHECK_COLUMNS, paths["claim_checks"])
    )
    if structural:
        raise ValidationFailed(structural)

    claims = _parse_claims(reg.claims)
    known_claims = set(claims["claim_id"].dropna())
    checks = reg.checks.copy()
    checks["unknown_input_claim_ids"] = [
        ";".join(i for i in (ids or "").split(";") if i.strip() and i.strip() not in known_claims) or None
        for ids in checks["input_claim_ids"]
    ]
    checks["tolerance_value"] = pd.to_numeric(checks["tolerance"], errors="coerce")

    # The suites read this module's columns and vocabularies: imported here, when a registry is validated.
    from orchestration.quality.gx import run_suite
    from orchestration.quality.suites import checks_suite, claims_suite, sources_suite, vocabularies_suite

    violations: list[Violation] = []
    violations += run_suite(reg.sources, sources_suite(), file_label=_label(paths["sources"]), suite_name="sources")
    violations += run_suite(reg.vocabularies, vocabularies_suite(),
                            file_label=_label(paths["vocabularies"]), suite_name="vocabularies")
    violations += run_suite(claims, claims_suite(reg.vocabularies, sorted(reg.sources["source_id"].dropna())),
                            file_label=_label(paths["cited_metrics"]), suite_name="cited_metrics")
    violations += run_suite(checks, checks_suite(sorted(known_claims)),
                            file_label=_label(paths["claim_checks"]), suite_name="claim_checks")
    if violations:
        raise ValidationFailed(violations)

    claims["is_forecast"] = claims["is_forecast"].eq("true")
    checks["tolerance"] = checks.pop("tolerance_value")
    checks = checks.drop(columns=["unknown_input_claim_ids"])
    claims = claims.drop(columns=["parse_error"])
    return Registry(sources=reg.sources, claims=claims, vocabularies=reg.vocabularies, checks=checks)
