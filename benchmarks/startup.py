"""How long ``sovcheck --help`` takes, against the import of typer alone.

    .venv/bin/python benchmarks/startup.py [--repeat 9]

Runs, alternately so that both see the same load, ``python -c 'import typer'`` and
``sovcheck --help`` (and ``sovcheck audit --help``, ``sovcheck --version``) ``--repeat``
times each in fresh processes, and prints the median CPU time (user+sys, ``os.wait4``) and
wall time of each, and the ratio of the medians. Target: ``sovcheck --help`` at most 2 times
the import of typer.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import _run  # noqa: E402

LIMIT = 2.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=9)
    repeat = parser.parse_args().repeat
    sovcheck = str(Path(sys.executable).parent / "sovcheck")
    commands = {
        "import typer": [sys.executable, "-c", "import typer"],
        "sovcheck --help": [sovcheck, "--help"],
        "sovcheck audit --help": [sovcheck, "audit", "--help"],
        "sovcheck --version": [sovcheck, "--version"],
    }
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, cmd in commands.items():
            result = _run(cmd)
            if result["rc"] != 0:
                raise SystemExit(f"{name} exited {result['rc']}:\n{result['stderr']}")
            runs[name].append(result)
    cpu = {name: statistics.median(r["cpu"] for r in rs) for name, rs in runs.items()}
    wall = {name: statistics.median(r["wall"] for r in rs) for name, rs in runs.items()}
    base = cpu["import typer"]
    print(f"median of {repeat} runs each, CPU s (user+sys) and wall s:")
    for name in commands:
        print(f"  {name:<22} cpu {cpu[name]:.3f}  wall {wall[name]:.3f}  {cpu[name] / base:4.2f} x")
    ratio = cpu["sovcheck --help"] / base
    verdict = "PASS" if ratio <= LIMIT else "FAIL"
    print(f"sovcheck --help / import typer (cpu) = {ratio:.2f} (limit {LIMIT:g}): {verdict}")


if __name__ == "__main__":
    main()
