"""Confounded-with-controls seeds whose interval misses the truth: the current estimator (base), a candidate
(argv[1]) and the true-shape regression; how many of base's low and high misses the candidate keeps."""
import sys

import pandas as pd

cand = sys.argv[1]
raw = pd.concat([pd.read_csv(f, keep_default_na=False, na_values=[""]) for f in sys.argv[2:]])
g = raw[raw.world == "confounded_controls"]
p = g.pivot_table(index="seed", columns="method", values=["estimate", "se", "ci_low", "ci_high"])
t = g.groupby("seed").truth.first()
d = pd.DataFrame({"truth": t})
for m, tag in (("base", "b"), (cand, "c"), ("true_fixed", "t")):
    d["rel_" + tag] = (p["estimate"][m] - t) / t
    d["se_" + tag] = p["se"][m] / t
    d["miss_" + tag] = ~((p["ci_low"][m] <= t) & (t <= p["ci_high"][m]))
pd.set_option("display.width", 200)
print(d[d.miss_b | d.miss_c].round(3).to_string())
for tag in ("b", "c", "t"):
    lo = (d["miss_" + tag] & (d["rel_" + tag] < 0)).sum()
    hi = (d["miss_" + tag] & (d["rel_" + tag] > 0)).sum()
    print(tag, "misses low", lo, "high", hi)
lo_b = d.miss_b & (d.rel_b < 0)
print("base's low misses:", int(lo_b.sum()), "of which the candidate still misses", int((lo_b & d.miss_c).sum()))
hi_b = d.miss_b & (d.rel_b > 0)
print("base's high misses:", int(hi_b.sum()), "of which the candidate still misses", int((hi_b & d.miss_c).sum()))
print("median rel: base", round(d.rel_b.median(), 4), "cand", round(d.rel_c.median(), 4), "true", round(d.rel_t.median(), 4))
print("median se/truth: base", round(d.se_b.median(), 4), "cand", round(d.se_c.median(), 4), "true", round(d.se_t.median(), 4))
