"""Audit a generated portfolio in parallel and check the portfolio targets.

    .venv/bin/python benchmarks/portfolio.py [--count 1000] [--size 100]

Writes ``benchmarks/out/portfolio-COUNTxSIZE/`` (COUNT inventories of SIZE components, each
from its own seed; kept between runs) and measures, in one run, each in a fresh process:

* ``sovcheck portfolio DIR --jobs 1``: the inventories audited one after another;
* ``sovcheck portfolio DIR`` with one worker per usable core;
* ``sovcheck audit`` of the largest inventory alone.

Targets: the parallel wall time at most 1.2 x (the serial wall time / cores), and the
parallel run's peak resident memory (the largest process of the tree, as ``wait4``
reports it) at most 2 x that of the single audit. Both are ratios of measurements taken
in the same run, so a busy machine moves both sides.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import Generator, write_json  # noqa: E402
from run import TODAY, _run  # noqa: E402


def generate(count: int, size: int) -> Path:
    folder = HERE / "out" / f"portfolio-{count}x{size}"
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(count):
        path = folder / f"system-{k:05d}.json"
        if not path.exists():
            write_json(Generator(size, 2026 + k), path)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--size", type=int, default=100)
    args = parser.parse_args()
    folder = generate(args.count, args.size)
    cores = len(os.sched_getaffinity(0))
    exe = str(Path(sys.executable).parent / "sovcheck")
    common = ["portfolio", str(folder), "--today", TODAY, "-f", "json", "-o", os.devnull]
    serial = _run([exe, *common, "--jobs", "1"])
    parallel = _run([exe, *common, "--jobs", str(cores)])
    largest = max(folder.iterdir(), key=lambda p: p.stat().st_size)
    single = _run([exe, "audit", str(largest), "--today", TODAY, "-f", "json", "-o", os.devnull])
    for name, run in (("serial", serial), ("parallel", parallel), ("single", single)):
        if run["rc"] not in (0, 1):
            raise SystemExit(f"{name} run exited {run['rc']}:\n{run['stderr']}")
        print(
            f"{name:<8} wall {run['wall']:7.2f} s  cpu {run['cpu']:7.2f} s  "
            f"peak {run['maxrss_mb']:6.1f} MB"
        )
    time_ratio = parallel["wall"] / (serial["wall"] / cores)
    memory_ratio = parallel["maxrss_mb"] / single["maxrss_mb"]
    print(f"{args.count} inventories of {args.size} components, {cores} cores")
    print(
        f"time:   parallel / (serial / cores) = {time_ratio:.2f} (limit 1.2) "
        f"{'PASS' if time_ratio <= 1.2 else 'FAIL'}"
    )
    print(
        f"memory: parallel peak / single audit peak = {memory_ratio:.2f} (limit 2) "
        f"{'PASS' if memory_ratio <= 2 else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
