"""Error ratio vs the true-shape regression per method x world (point screens; the null world: median |estimate|)."""
import sys

import pandas as pd

rows = []
for f in sys.argv[1:]:
    raw = pd.read_csv(f, keep_default_na=False, na_values=[""])
    ref = raw[raw.method == "true_fixed"].set_index(["world", "seed"])
    for (w, m), g in raw.groupby(["world", "method"], sort=False):
        if w == "null":
            rows.append((m, w, round(g.estimate.abs().median(), 4)))
            continue
        g = g.set_index(["world", "seed"])
        rel = ((g.estimate - g.truth).abs() / g.truth).median()
        rr = ((ref.loc[g.index].estimate - g.truth).abs() / g.truth).median()
        rows.append((m, w, round(rel / rr, 2)))
d = pd.DataFrame(rows, columns=["method", "world", "v"]).drop_duplicates(["method", "world"])
d = d.pivot_table(index="method", columns="world", values="v", sort=False)
d = d[["low_noise", "small_noisy", "confounded_controls", "slow_lag", "heterogeneous", "null"]]
d.columns = ["low_noise", "small_noisy", "confounded_controls", "slow_lag", "heterogeneous", "null: median |est|"]
print(d.to_markdown())
