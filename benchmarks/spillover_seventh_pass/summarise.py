"""Summary of screen CSVs: per world and method, coverage, median SE, median relative error and bias, error ratio."""
import sys

import pandas as pd

raw = pd.concat([pd.read_csv(f, keep_default_na=False, na_values=[""]) for f in sys.argv[1:]])
REF = {"dsel": "true_dsel", "davg": "true_davg"}
rows = []
for (wname, m), g in raw.groupby(["world", "method"], sort=False):
    g = g.set_index("seed")
    t = g["truth"]
    cov = ((g.ci_low <= t) & (t <= g.ci_high)).mean()
    r = {"world": wname, "method": m, "n": len(g), "coverage": round(cov, 3),
         "med_se": round(g.se.median(), 4)}
    if (t.abs() > 1e-9).all():
        rel = ((g.estimate - t).abs() / t)
        r["err"] = round(rel.median(), 4)
        r["bias"] = round(((g.estimate - t) / t).median(), 4)
        ref = raw[(raw.world == wname) & (raw.method == "true_fixed")].set_index("seed").loc[g.index]
        rr = ((ref.estimate - ref.truth).abs() / ref.truth).median()
        r["ratio_vs_fixedref"] = round(rel.median() / rr, 3)
        if m in REF:
            ref2 = raw[(raw.world == wname) & (raw.method == REF[m])].set_index("seed").loc[g.index]
            r["ratio_vs_ownref"] = round(rel.median() / ((ref2.estimate - ref2.truth).abs() / ref2.truth).median(), 3)
    else:
        r["fp"] = round(((g.ci_low > 0) | (g.ci_high < 0)).mean(), 3)
    rows.append(r)
out = pd.DataFrame(rows)
pd.set_option("display.width", 250)
pd.set_option("display.max_rows", 500)
print(out.to_string(index=False))
