"""Every stored Great Expectations suite, in one place: what the warehouse's reference data and the spillover mart
must satisfy. Each suite is a list of GX expectations run by `quality.gx.run_suite` on a pandas frame, twice with
one definition: before a load (the file as read; a failure names file, row and rule and the load keeps the old
data) and, as a Dagster asset check, on what was stored.

  registry      sources_suite, vocabularies_suite, claims_suite, checks_suite   seeds/articles/*.csv
  reference     reference_suite                                                 seeds/reference, catalogue/
  spillover     estimates_suite                                                 marts.mart_spillover_estimates

A seller export's file-level rules are not here: they are SQL over the whole parsed file inside its load
transaction (ingest/validation.py, DECISIONLOG "Export gate in SQL").
GX's expectation classes are imported when a suite is built (`gx.expectations()`), never at import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestration.analysis import spillover_schema as spillover
from orchestration.lib.article_registry import CHECK_KINDS, CLAIM_COLUMNS, PERIOD_REGEX, VOCAB_FIELDS
from orchestration.quality.gx import expectations

if TYPE_CHECKING:
    import pandas as pd

    from orchestration.lib.reference_tables import ReferenceTable


# ------------------------------------------------------------------------------------ article registry
def sources_suite(known_files: list[str] | None = None) -> list:
    E = expectations()  # GX's expectation classes: imported when a suite is built, not at import
    suite = [E.ExpectColumnValuesToNotBeNull(column=c) for c in
             ("source_id", "title", "outlet", "published", "language", "document_file")]
    suite += [
        E.ExpectColumnValuesToBeUnique(column="source_id"),
        E.ExpectColumnValuesToMatchRegex(column="source_id", regex=r"^s\d{3}$"),
        E.ExpectColumnValuesToMatchRegex(column="published", regex=r"^\d{4}(-\d{2}-\d{2})?$"),
    ]
    return suite


def vocabularies_suite() -> list:
    E = expectations()  # GX's expectation classes: imported when a suite is built, not at import
    return [
        E.ExpectColumnValuesToNotBeNull(column="field"),
        E.ExpectColumnValuesToNotBeNull(column="value"),
        E.ExpectColumnValuesToBeInSet(column="field", value_set=VOCAB_FIELDS),
        E.ExpectCompoundColumnsToBeUnique(column_list=["field", "value"]),
    ]


def claims_suite(vocabularies: pd.DataFrame, source_ids: list[str]) -> list:
    E = expectations()  # GX's expectation classes: imported when a suite is built, not at import
    suite = [E.ExpectColumnValuesToNotBeNull(column=c) for c in CLAIM_COLUMNS if c != "note"]
    suite += [
        E.ExpectColumnValuesToBeUnique(column="claim_id"),
        E.ExpectColumnValuesToMatchRegex(column="claim_id", regex=r"^c\d{3}_\d{3}$"),
        E.ExpectColumnValuesToMatchRegex(column="locator", regex=r"^p\d+$"),
        E.ExpectColumnValuesToMatchRegex(column="period", regex=PERIOD_REGEX),
        E.ExpectColumnValuesToBeInSet(column="source_id", value_set=source_ids),
        E.ExpectColumnValuesToBeInSet(column="is_forecast", value_set=["true", "false"]),
        # The value as written must parse: parse_error holds the parser's message otherwise.
        E.ExpectColumnValuesToBeNull(column="parse_error"),
        E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="parsed_value", column_B="parsed_low", or_equal=True, ignore_row_if="either_value_is_missing"),
        E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="parsed_high", column_B="parsed_value", or_equal=True, ignore_row_if="either_value_is_missing"),
        # A qualifier word in the text (超, 约, 不足, a range…) must agree with the qualifier column.
        E.ExpectColumnPairValuesToBeEqual(
            column_A="text_qualifier", column_B="qualifier", ignore_row_if="either_value_is_missing"),
        E.ExpectColumnPairValuesToBeEqual(
            column_A="text_currency", column_B="unit", ignore_row_if="either_value_is_missing"),
    ]
    for field in VOCAB_FIELDS:
        allowed = sorted(vocabularies.loc[vocabularies["field"] == field, "value"].dropna().unique())
        suite.append(E.ExpectColumnValuesToBeInSet(column=field, value_set=allowed))
    return suite


def checks_suite(claim_ids: list[str]) -> list:
    E = expectations()  # GX's expectation classes: imported when a suite is built, not at import
    return [
        E.ExpectColumnValuesToNotBeNull(column="check_id"),
        E.ExpectColumnValuesToBeUnique(column="check_id"),
        E.ExpectColumnValuesToBeInSet(column="check_kind", value_set=CHECK_KINDS),
        E.ExpectColumnValuesToBeInSet(column="stated_claim_id", value_set=claim_ids),
        E.ExpectColumnValuesToBeNull(column="unknown_input_claim_ids"),
        E.ExpectColumnValuesToBeBetween(column="tolerance_value", min_value=0, max_value=1),
    ]


# -------------------------------------------------------------------------- reference tables
def reference_suite(spec: ReferenceTable, categories: list[str] | None = None) -> list:
    E = expectations()  # GX's expectation classes: imported when a suite is built, not at import
    suite = [E.ExpectColumnValuesToNotBeNull(column=c) for c in spec.required]
    if spec.key:
        suite.append(E.ExpectCompoundColumnsToBeUnique(column_list=spec.key) if len(spec.key) > 1
                     else E.ExpectColumnValuesToBeUnique(column=spec.key[0]))
    for col in spec.numeric + spec.optional_numeric:
        suite.append(E.ExpectColumnValuesToBeNull(column=f"{col}__not_a_number"))
        suite.append(E.ExpectColumnValuesToBeBetween(column=col, min_value=0))
    for col, regex in spec.regexes.items():
        suite.append(E.ExpectColumnValuesToMatchRegex(column=col, regex=regex))
    if categories is not None:
        for col in spec.category_columns:
            suite.append(E.ExpectColumnValuesToBeInSet(column=col, value_set=categories))
    return suite


# ------------------------------------------------------------------ marts.mart_spillover_estimates
def _verdict_regex() -> str:
    reason = "(?:" + "|".join(spillover.SUFFICIENCY_REASONS) + ")"
    return rf"^(?:sufficient|{reason}(?:;{reason})*)$"


def estimates_suite() -> list:
    E = expectations()  # GX's expectation classes: imported when a suite is built, not at import
    suite: list = [
        E.ExpectColumnValuesToNotBeNull(column=c)
        for c in (
            "product_group",
            "target_channel",
            "method",
            "unit",
            "days_of_data",
            "status",
            "sufficiency_verdict",
            "explanation",
            "explanation_zh",
        )
    ]
    suite += [
        E.ExpectCompoundColumnsToBeUnique(column_list=["product_group", "target_channel", "method"]),
        E.ExpectColumnValuesToBeInSet(column="method", value_set=list(spillover.METHODS)),
        E.ExpectColumnValuesToBeInSet(column="target_channel", value_set=list(spillover.TARGET_CHANNELS)),
        E.ExpectColumnValuesToBeInSet(column="unit", value_set=list(spillover.UNITS)),
        E.ExpectColumnValuesToBeInSet(column="status", value_set=list(spillover.STATUSES)),
        E.ExpectColumnValuesToMatchRegex(column="sufficiency_verdict", regex=_verdict_regex()),
        # An interval that does not contain its own estimate is a computation error, never a finding.
        E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="estimate", column_B="ci_low", or_equal=True, ignore_row_if="either_value_is_missing"
        ),
        E.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="ci_high", column_B="estimate", or_equal=True, ignore_row_if="either_value_is_missing"
        ),
        E.ExpectColumnValuesToBeBetween(column="days_of_data", min_value=0),
    ]
    return suite
