"""Is that process still alive? Process identity that survives PID reuse, and who holds a file lock.

A build killed with SIGKILL (or by the out-of-memory killer, or a power cut) cleans nothing up; what it
leaves behind (a run still marked STARTED, a claimed writer slot, a temporary folder, a dbt child still
writing) is recognised later by the process that owned it being gone. A PID alone is not proof of
life — after a reboot or a long uptime another program may carry it — so an owner is recorded as
`<pid>:<start time>` where the start time comes from the kernel, and "alive" means a process with that
PID exists *and* started no later than the thing it is said to own.

Linux answers all of this from /proc. Elsewhere `os.kill(pid, 0)` is the fallback (PID reuse is then
possible but harmless: a stale run merely stays blocked until the PID is gone).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

_PROC = Path("/proc")
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_boot_time: float | None = None


def _linux() -> bool:
    return (_PROC / "self" / "stat").exists()


def _boot() -> float:
    global _boot_time
    if _boot_time is None:
        for line in (_PROC / "stat").read_text().splitlines():
            if line.startswith("btime "):
                _boot_time = float(line.split()[1])
                break
        else:  # pragma: no cover - every Linux kernel has btime
            _boot_time = 0.0
    return _boot_time


def start_time(pid: int) -> float | None:
    """Epoch seconds at which process `pid` started, or None if it is gone (zombies count as gone)."""
    if pid <= 0:
        return None
    if _linux():
        try:
            stat = (_PROC / str(pid) / "stat").read_text()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            return None
        # The command name (field 2) is in parentheses and may itself contain spaces or ')'.
        fields = stat[stat.rfind(")") + 2:].split()
        if fields[0] in ("Z", "X"):
            return None
        return _boot() + int(fields[19]) / _CLOCK_TICKS
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return 0.0  # alive, start time unknown


def owner_token(pid: int | None = None) -> str:
    """`<pid>:<start>` naming this (or another live) process unambiguously."""
    pid = os.getpid() if pid is None else pid
    started = start_time(pid)
    return f"{pid}:{started:.2f}" if started is not None else f"{pid}:0"


def token_alive(token: str) -> bool:
    """Whether the process an owner token names is still running (the same process, not a PID reuse)."""
    try:
        pid_text, _, start_text = token.partition(":")
        pid, recorded = int(pid_text), float(start_text or 0)
    except ValueError:
        return False
    started = start_time(pid)
    if started is None:
        return False
    # Clock-tick rounding: allow a second either way.
    return recorded == 0 or started == 0 or abs(started - recorded) <= 1.0


def alive_since(pid: int, at: float) -> bool:
    """Whether process `pid` is running and already existed at epoch time `at` (so it is the one that
    wrote something at that time, not a later process that reused the PID)."""
    started = start_time(pid)
    return started is not None and (started == 0 or started <= at + 1.0)


def environ(pid: int) -> dict[str, str]:
    """Another process's environment (same user, Linux); empty if it cannot be read."""
    try:
        raw = (_PROC / str(pid) / "environ").read_bytes()
    except OSError:
        return {}
    out = {}
    for item in raw.split(b"\0"):
        key, sep, value = item.partition(b"=")
        if sep:
            out[key.decode(errors="replace")] = value.decode(errors="replace")
    return out


def lock_holders(path: Path) -> list[int]:
    """PIDs holding a POSIX lock on `path` (DuckDB's write lock), from /proc/locks. Empty elsewhere."""
    try:
        st = path.stat()
        table = (_PROC / "locks").read_text()
    except OSError:
        return []
    device = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    pids = []
    for line in table.splitlines():
        parts = line.split()
        # "1: POSIX  ADVISORY  WRITE 9946 fe:00:2147730 0 EOF" (blocked waiters carry a "->" marker)
        if "->" in parts:
            continue
        if len(parts) >= 6 and parts[5] == device and parts[4].lstrip("-").isdigit():
            pid = int(parts[4])
            if pid > 0 and pid not in pids:
                pids.append(pid)
    return pids


def stop(pid: int, grace_s: float = 10.0) -> bool:
    """SIGTERM, then SIGKILL after `grace_s`; True once the process is gone."""
    for sig, wait in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return True
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if start_time(pid) is None:
                return True
            time.sleep(0.1)
    return start_time(pid) is None
