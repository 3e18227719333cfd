"""How much "did you mean" costs: validating an inventory of 1,000 components with 5,000
dangling references, against the same inventory with none.

Target: ratio of CPU times (child process, start-up included) at most 4. Before the
suggestions were ranked by shared three-letter pieces first, it was about 11.

    .venv/bin/python benchmarks/suggest.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

TARGET = 4.0


def inventory(components: int, dangling: int) -> str:
    lines = ["sovcheck: 1", "system: {name: Suggest, home: FR}", "components:"]
    lines += [f"  - {{id: component-{i:06d}, name: C, kind: library}}" for i in range(components)]
    calls = ", ".join(f"missing-{i:06d}-x" for i in range(dangling))
    lines += ["  - id: app", "    name: App", "    kind: application", f"    calls: [{calls}]"]
    return "\n".join(lines) + "\n"


def cpu_seconds(path: Path) -> float:
    process = subprocess.Popen(
        [sys.executable, "-m", "sovcheck", "validate", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, _, usage = os.wait4(process.pid, 0)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clean, dangling = Path(tmp, "clean.yaml"), Path(tmp, "dangling.yaml")
        clean.write_text(inventory(1000, 0))
        dangling.write_text(inventory(1000, 5000))
        base = min(cpu_seconds(clean) for _ in range(3))
        worst = min(cpu_seconds(dangling) for _ in range(3))
    ratio = worst / base
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print(f"validate: none {base:.2f} s, 5,000 dangling {worst:.2f} s, ratio {ratio:.1f}")
    print(f"{verdict} ratio <= {TARGET}")
    sys.exit(0 if ratio <= TARGET else 1)


if __name__ == "__main__":
    main()
