"""The screen's 'base' rows equal estimate_spillover's figures (same rows, same replicates)."""
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from orchestration.analysis import spillover as sp
from tsw_demo.spillover_worlds import world

raw = pd.read_csv(sys.argv[1], keep_default_na=False, na_values=[""])
for name, seed in [(w, int(s)) for w, s in (a.split(":") for a in sys.argv[2:])]:
    e = sp.estimate_spillover(world(name, seed).panel, control_col="control_sales")
    r = raw[(raw.world == name) & (raw.seed == seed) & (raw.method == "base")].iloc[0]
    print(name, seed, e.estimate - r.estimate, e.ci_low - r.ci_low, e.ci_high - r.ci_high)
