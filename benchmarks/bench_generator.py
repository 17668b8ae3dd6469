"""The scaled demo generator: wall time and peak memory of `tsw demo --scale N` at several N.

    python benchmarks/bench_generator.py [--scales 100000,1000000] [--runs 3] [--keep DIR] [--results]

Each run writes the whole seller (every kind, Amazon and Shopify in proportion) into a temporary folder in a
child process and measures its wall time and peak resident memory; the output is deleted after each run
except, with --keep, the last run of the largest N (the world the other benchmarks load). Targets (issue 15):
memory flat (< 1 GB at 10M lines) and time roughly linear in N (seconds per million lines not growing with N).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import results as R


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="100000,1000000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None, help="keep the largest world here")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    ap.add_argument("--results", action="store_true", help="write the section `generator` of RESULTS.md")
    args = ap.parse_args()
    scales = sorted(int(s) for s in args.scales.split(","))
    rows, per_m = [], []
    for n in scales:
        measured = []
        for k in range(args.runs):
            out = Path(tempfile.mkdtemp(prefix=f"bench-gen-{n}-", dir=args.workdir))
            r = R.run([R.python(), "-m", "tsw_demo.generate", "--out", str(out), "--scale", str(n)],
                      env=R.child_env(), cwd=R.repo_root())
            truth = json.loads((out / ".demo" / "ground_truth.json").read_text(encoding="utf-8"))
            files = [f for f in out.iterdir() if f.is_file()]
            real = truth["realised"]
            measured.append((r, real["tiktok"]["lines"], real["amazon"]["lines"], len(files),
                             sum(f.stat().st_size for f in files) / 1e9))
            print(f"N={n:,} run {k + 1}: {r.wall_s:.1f} s, {r.peak_rss_mb:.0f} MB peak, {len(files)} files", flush=True)
            if args.keep and n == scales[-1] and k == args.runs - 1:
                if args.keep.exists():
                    shutil.rmtree(args.keep)
                shutil.move(str(out), str(args.keep))
            else:
                shutil.rmtree(out)
        wall = R.median(m[0].wall_s for m in measured)
        cpu = R.median(m[0].cpu_s for m in measured)
        rss = R.median(m[0].peak_rss_mb for m in measured)
        lines = measured[-1][1]
        per_m.append(cpu / lines * 1e6)
        rows.append([f"{n:,}", f"{lines:,}", f"{measured[-1][2]:,}", measured[-1][3], f"{measured[-1][4]:.2f}",
                     f"{wall:.1f}", f"{cpu:.1f}", f"{cpu / lines * 1e6:.0f}", f"{rss:.0f}"])
    body = "\n".join([
        R.stamp(f"python benchmarks/bench_generator.py --scales {args.scales} --runs {args.runs} --results"),
        "",
        f"Median of {args.runs} runs per N, each in a fresh process; load average at the end {R.load_average()}.",
        "",
        R.table(["N (target TikTok lines)", "TikTok lines", "Amazon lines", "files", "GB written", "wall s",
                 "CPU s", "CPU s per 1M TikTok lines", "peak RSS MB"], rows),
        "",
        (f"Peak memory stays under 1 GB at every N: {R.met(all(float(r[-1]) < 1024 for r in rows))}. Time linear "
         f"in N (CPU seconds per million lines at the largest N no more than 1.5× the smallest N's; the fixed cost of "
         f"the world and the monthly files weighs on small N): {R.met(per_m[-1] <= 1.5 * per_m[0])}."),
    ])
    print(body)
    if args.results:
        R.write_section("generator", body)


if __name__ == "__main__":
    main()
