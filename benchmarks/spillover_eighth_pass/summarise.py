"""Summary of screen CSVs (the seventh pass's summarise.py plus the late share): per world and method, coverage,
median SE, median relative error and bias, error ratio vs the true-shape regression (true_fixed, same rows and
replicates), the null world's false positives, and the share after day 14 (median absolute error, coverage)."""
import sys

import pandas as pd

raw = pd.concat([pd.read_csv(f, keep_default_na=False, na_values=[""]) for f in sys.argv[1:]])
rows = []
for (wname, m), g in raw.groupby(["world", "method"], sort=False):
    g = g.set_index("seed")
    t = g["truth"]
    r = {"world": wname, "method": m, "n": len(g)}
    if g.se.notna().any():
        r["coverage"] = round(((g.ci_low <= t) & (t <= g.ci_high)).mean(), 3)
        r["med_se"] = round(g.se.median(), 4)
    if (t.abs() > 1e-9).all():
        rel = (g.estimate - t).abs() / t
        r["err"] = round(rel.median(), 4)
        r["bias"] = round(((g.estimate - t) / t).median(), 4)
        ref = raw[(raw.world == wname) & (raw.method == "true_fixed")].set_index("seed").loc[g.index]
        r["ratio"] = round(rel.median() / ((ref.estimate - ref.truth).abs() / ref.truth).median(), 3)
        r["late_err"] = round((g.late - g.true_late).abs().median(), 4)
        if g.se.notna().any():
            r["late_cov"] = round(((g.late_low <= g.true_late) & (g.true_late <= g.late_high)).mean(), 3)
    else:
        r["med_abs"] = round(g.estimate.abs().median(), 4)
        if g.se.notna().any():
            r["fp"] = round(((g.ci_low > 0) | (g.ci_high < 0)).mean(), 3)
    if "edf" in g and g.edf.notna().any():
        r["med_edf"] = round(g.edf.median(), 1)
    if "pen_weight" in g and g.pen_weight.notna().any():
        r["med_penw"] = round(g.pen_weight.median(), 3)
    rows.append(r)
out = pd.DataFrame(rows)
pd.set_option("display.width", 250)
pd.set_option("display.max_rows", 500)
print(out.to_string(index=False))
