"""Confounded-with-controls seeds whose interval misses the truth (current estimator and the true-shape regression)."""
import sys

import pandas as pd

raw = pd.concat([pd.read_csv(f, keep_default_na=False, na_values=[""]) for f in sys.argv[1:]])
g = raw[raw.world == "confounded_controls"]
p = g.pivot_table(index="seed", columns="method", values=["estimate", "se", "ci_low", "ci_high"])
t = g.groupby("seed").truth.first()
d = pd.DataFrame({"truth": t, "est": p["estimate"]["base"], "se": p["se"]["base"],
                  "true_est": p["estimate"]["true_fixed"], "true_se": p["se"]["true_fixed"]})
d["rel"] = (d.est - d.truth) / d.truth
d["rel_true"] = (d.true_est - d.truth) / d.truth
d["z"] = (d.est - d.truth) / d.se
d["z_true"] = (d.true_est - d.truth) / d.true_se
d["miss"] = ~((p["ci_low"]["base"] <= t) & (t <= p["ci_high"]["base"]))
d["miss_true"] = ~((p["ci_low"]["true_fixed"] <= t) & (t <= p["ci_high"]["true_fixed"]))
pd.set_option("display.width", 200)
print(d[d.miss | d.miss_true].round(3).to_string())
print(d[["rel", "rel_true", "z", "z_true"]].describe().round(3))
print("corr rel, rel_true", d.rel.corr(d.rel_true))
