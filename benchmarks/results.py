"""benchmarks/RESULTS.md: one marked section per comparison, each rewritten by the script that measures it.

A section is everything between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`; a script replaces only its own
(`write_section`), so `make bench` and a script run by hand (`python benchmarks/bench_pages.py --results`) leave
the other sections as they were. Sections, in the file's order: SECTIONS. Also the measuring helpers every
script shares: the machine, a child process's wall time and peak resident memory, the median of runs.
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SECTIONS = {
    "machine": "Machine and run",
    "generator": "Scaled demo generator (`tsw demo --scale N`)",
    "ingest": "1. Ingest vs the engine's limit",
    "xlsx": "1b. XLSX exports: python-calamine vs openpyxl",
    "build": "2-3. Full build and incremental day",
    "pages": "4. Pages stay flat",
    "pandas": "5. What sellers do today: pandas vs the project's path",
}
_INTRO = """# Benchmark results

Written by `make bench` (`benchmarks/run_all.py`) and by each benchmark script run with `--results`; every
figure is the median of the runs stated, ratios are measured side by side in one run (never timed tests).
Each section is rewritten only by its own script (markers `<!-- bench:NAME -->`, see `benchmarks/results.py`).
"""


def _pattern(name: str) -> re.Pattern:
    return re.compile(rf"<!-- bench:{re.escape(name)} -->\n.*?<!-- /bench:{re.escape(name)} -->\n?", re.DOTALL)


def skeleton() -> str:
    parts = [_INTRO]
    for name, title in SECTIONS.items():
        parts.append(f"<!-- bench:{name} -->\n## {title}\n\nNot measured yet.\n<!-- /bench:{name} -->\n")
    return "\n".join(parts)


def write_section(name: str, body: str, path: Path = RESULTS) -> None:
    """Replace section `name` (its heading is added) and keep every other section as it is."""
    if name not in SECTIONS:
        raise ValueError(f"unknown section {name!r}; known: {', '.join(SECTIONS)}")
    text = path.read_text(encoding="utf-8") if path.exists() else skeleton()
    block = f"<!-- bench:{name} -->\n## {SECTIONS[name]}\n\n{body.strip()}\n<!-- /bench:{name} -->\n"
    if _pattern(name).search(text):
        text = _pattern(name).sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip() + "\n\n" + block
    path.write_text(text, encoding="utf-8")


def stamp(command: str) -> str:
    """The line under each section's heading: when, on what, with which command."""
    return (f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine_line()}; command: `{command}`.")


def machine_line() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


@dataclass
class Run:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    returncode: int
    output: str = ""


def run(cmd: list[str], env: dict[str, str] | None = None, cwd: str | Path | None = None, check: bool = True) -> Run:
    """Run a child process; wall seconds, user+system CPU seconds, and its peak resident memory (the largest of
    the process and every descendant it waited for, from wait4's rusage)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if check and proc.returncode != 0:
        sys.stderr.write(out[-4000:])
        raise SystemExit(f"{' '.join(map(str, cmd))} failed with exit code {proc.returncode}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, out)


def median(values) -> float:
    return statistics.median(list(values))


def met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def table(header: list[str], rows: list[list]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def python() -> str:
    return sys.executable


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"OPENBLAS_NUM_THREADS": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1",
                "GX_ANALYTICS_ENABLED": "false"})
    env.update(extra)
    return env


def tsw() -> str:
    return str(Path(sys.executable).with_name("tsw"))


if __name__ == "__main__":
    # `python benchmarks/results.py` (re)creates the skeleton, keeping sections already measured.
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    for name in SECTIONS:
        if not _pattern(name).search(text):
            write_section(name, "Not measured yet.")
    print(RESULTS)
