"""Data-quality rules with Great Expectations: the suites (suites.py), their runner (gx.py) and the one
violation type every refusal is reported in (violations.py). Dagster's checks that run them live with the
assets they guard (defs/ingest/articles.py, defs/analysis/spillover_estimates.py)."""
