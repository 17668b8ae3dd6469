"""`make bench`: every benchmark of issue 15 on one scaled world, each writing its section of RESULTS.md.

    python benchmarks/run_all.py [--scale 1000000] [--runs 3] [--workdir /tmp/tsw-bench]

1. machine and run (this section);
2. generator: `tsw demo --scale` at 100,000 and SCALE lines (bench_generator.py), keeping the SCALE world;
3. ingest: bench_ingest.py --rows SCALE --results RESULTS.md (its own section) when it takes --results;
   XLSX: bench_xlsx.py on a 50,000-row export (the export's cap), calamine vs openpyxl;
4. pandas: the pandas script vs tsw ingest + tsw build on that world (bench_pandas.py), which leaves a built
   scaled home; full build and incremental day: bench_build.py --world (section `build`) when present;
5. pages: the demo home built (tsw demo + tsw build) and bench_pages.py --compare demo scaled.
Everything lives under WORKDIR (deleted at the end unless --keep). Peak memory per process stays what the
project needs: run it on an otherwise quiet machine (`nice` keeps it polite, not fast).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import results as R

HERE = Path(__file__).resolve().parent


def _script(name: str, *args: str) -> list[str]:
    return [R.python(), str(HERE / name), *args]


def _step(title: str, cmd: list[str], env=None) -> None:
    print(f"\n== {title}: {' '.join(cmd)}", flush=True)
    subprocess.run(cmd, check=True, env=env or R.child_env(), cwd=R.repo_root())


def _takes(script: str, flag: str) -> bool:
    out = subprocess.run(_script(script, "--help"), check=False, capture_output=True, text=True,
                         env=R.child_env()).stdout
    return flag in out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/tsw-bench"))
    ap.add_argument("--keep", action="store_true", help="keep WORKDIR (worlds and built homes)")
    args = ap.parse_args()
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    world = work / "world"
    R.write_section("machine", "\n".join([
        R.stamp(f"make bench SCALE={args.scale} RUNS={args.runs}"),
        "",
        (f"Scaled world: `tsw demo --scale {args.scale}` (the whole seller at about {args.scale:,} TikTok order lines, "
        f"Amazon and Shopify in the world's proportions); every figure the median of {args.runs} runs unless a "
        "section says otherwise."),
    ]))
    scales = ",".join(str(s) for s in sorted({100_000, args.scale}))
    _step("generator", _script("bench_generator.py", "--scales", scales, "--runs", str(args.runs),
                               "--keep", str(world), "--workdir", str(work), "--results"))
    if _takes("bench_ingest.py", "--results"):  # the ingest work's benchmark: its own file of SCALE rows
        _step("ingest", _script("bench_ingest.py", "--rows", str(args.scale), "--repeat", str(args.runs),
                                "--workdir", str(work / "ingest"), "--results", str(R.RESULTS)))
    _step("xlsx", _script("bench_xlsx.py", "--rows", "50000", "--repeat", str(args.runs), "--workdir",
                          str(work / "xlsx"), "--results"))
    _step("pandas", _script("bench_pandas.py", str(world), "--runs", str(args.runs), "--workdir",
                            str(work / "pandas"), "--results"))
    scaled_home = work / "pandas" / "home"
    if (HERE / "bench_build.py").exists():  # comparisons 2-3 (the dbt work's benchmark), section `build`
        _step("build", _script("bench_build.py", "--world", str(world), "--scale", "0", "--tmp", str(work),
                               "--results"))
    demo_home = work / "demo-home"
    if demo_home.exists():
        shutil.rmtree(demo_home)
    env = R.child_env(TSW_HOME=str(demo_home))
    _step("demo home", [R.tsw(), "demo"], env)
    _step("demo build", [R.tsw(), "build"], env)
    _step("pages", _script("bench_pages.py", "--compare", str(demo_home), str(scaled_home), "--runs", str(args.runs),
                           "--results"))
    if not args.keep:
        shutil.rmtree(work)
    print(f"\nwritten: {R.RESULTS}")


if __name__ == "__main__":
    main()
