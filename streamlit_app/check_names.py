"""A check's name in the reader's language, from its id (`check_name`) and the asset it checks.

dbt's generic tests are named by dbt after their rule, table and column (`not_null_fct_orders_order_id`,
`relationships_fct_order_lines_order_id__order_id__ref_fct_orders_`): one sentence per rule
(`quality.check_rule.<rule>`) with the table and column filled in. Every other check (singular dbt tests, the
Python asset checks: Great Expectations suites, the export gate, freshness) has its own entry
(`quality.check_name.<id>`) or a family's (`quality.check_rule.<family>`). The id stays beside the name on the page
for SQL users. tests/app/test_check_names.py requires a name in both languages for every check the code location
defines.
"""

from __future__ import annotations

from streamlit_app.i18n import has, t

GENERIC_RULES = ("not_null", "unique", "accepted_values", "relationships")


def check_name(asset: str, check_id: str, lang: str | None = None) -> str | None:
    """The check's name in `lang`, or None when no catalogue entry covers it."""
    table = str(asset).rsplit("/", 1)[-1]
    own = f"quality.check_name.{check_id}"
    if has(own):
        return t(own, lang, table=table)
    for rule in GENERIC_RULES:
        prefix = f"{rule}_{table}_"
        if check_id.startswith(prefix):
            column, _, rest = check_id[len(prefix):].partition("__")
            target = rest.rsplit("__ref_", 1)[-1].rstrip("_") if "__ref_" in rest else "?"
            return t(f"quality.check_rule.{rule}", lang, table=table, column=column, target=target)
    for family in ("gx_export_gate", "freshness_check"):
        if check_id == family:
            return t(f"quality.check_rule.{family}", lang, table=table)
    if check_id.startswith("gx_"):
        return t("quality.check_rule.gx_suite", lang, table=table)
    return None


def check_label(asset: str, check_id: str, lang: str | None = None) -> str:
    """The check's name, else its id made readable (never empty)."""
    return check_name(asset, check_id, lang) or str(check_id).replace("_", " ")
