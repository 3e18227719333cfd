"""Time `sovcheck import` on a generated CycloneDX 1.6 BOM of N components.

    .venv/bin/python benchmarks/import_bom.py --sizes 1000,10000

Writes benchmarks/out/bom-N.cdx.json (deterministic) and prints the wall and CPU time of
the whole command (start-up included) and the ratio between sizes, which should stay
close to linear.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
SUPPLIERS = ["NVIDIA", "Hugging Face", "Mistral AI", "Microsoft", "OVHcloud", "Acme Tools"]


def generate(n: int) -> Path:
    rng = random.Random(n)
    components = []
    for i in range(n):
        kind = rng.choices(["library", "machine-learning-model", "data", "device"], (85, 6, 6, 3))[
            0
        ]
        comp: dict[str, object] = {
            "type": kind,
            "bom-ref": f"c{i}",
            "name": f"component-{i}",
            "version": f"{rng.randint(0, 9)}.{rng.randint(0, 20)}",
        }
        if kind == "library":
            comp["purl"] = f"pkg:pypi/component-{i}@{comp['version']}"
            comp["licenses"] = [
                {"license": {"id": rng.choice(["MIT", "Apache-2.0", "BSD-3-Clause"])}}
            ]
        if rng.random() < 0.5:
            comp["supplier"] = {"name": rng.choice(SUPPLIERS)}
        components.append(comp)
    dependencies = [
        {"ref": f"c{i}", "dependsOn": sorted({f"c{rng.randrange(i + 1, n)}" for _ in range(3)})}
        for i in range(n - 1)
    ]
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"component": {"type": "application", "bom-ref": "app", "name": "app"}},
        "components": components,
        "dependencies": [{"ref": "app", "dependsOn": ["c0"]}, *dependencies],
    }
    OUT.mkdir(exist_ok=True)
    path = OUT / f"bom-{n}.cdx.json"
    path.write_text(json.dumps(bom), encoding="utf-8")
    return path


def measure(path: Path) -> tuple[float, float]:
    sovcheck = Path(sys.executable).parent / "sovcheck"
    start = time.perf_counter()
    before = os.times()
    subprocess.run(
        [str(sovcheck), "import", str(path), "-o", str(path.with_suffix(".yaml"))],
        check=True,
        capture_output=True,
    )
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return time.perf_counter() - start, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    results = {}
    for n in sizes:
        wall, cpu = measure(generate(n))
        results[n] = cpu
        print(f"import {n:>7,} components: wall {wall:6.2f} s  cpu {cpu:6.2f} s")
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        print(
            f"cpu({last:,}) / cpu({first:,}) = {results[last] / results[first]:.1f} "
            f"for {last / first:.0f} times the components"
        )


if __name__ == "__main__":
    main()
