"""Adversarial shapes: inputs whose structure, not only their size, made a step quadratic.

Each shape is generated at two sizes ten times apart, and the CLI runs on both in fresh
processes. The growth of its CPU time must stay within 11 times, the bound of the main
benchmark's target (c); a quadratic step grows about 100 times.

- ``parent-chain``: organizations that are each the parent of the next, one long chain.
- ``waivers``: a generated estate with a waiver of one rule for 80 % of its components.
- ``dangling-refs``: a generated estate in which 3 % of the components refer to an id
  that does not exist (``sovcheck validate``, exit 2, with a suggestion for each).
- ``minified``: a generated estate written as one line of JSON.

    .venv/bin/python benchmarks/shapes.py [--small 5000] [--repeat 1]

It prints a table with PASS or FAIL per shape and writes ``benchmarks/out/shapes.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import Generator, write_json  # noqa: E402
from run import TODAY, _run  # noqa: E402

LIMIT = 11.0
OUT = HERE / "out"


def _estate(n: int) -> dict[str, Any]:
    path = OUT / f".estate-{n}.json"
    write_json(Generator(n, 2026), path)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    path.unlink()
    return data


def parent_chain(n: int) -> dict[str, Any]:
    orgs = [
        {"id": f"org-{i:07d}", "name": f"Org {i}", "country": "FR"}
        | ({"parent": f"org-{i + 1:07d}"} if i + 1 < n else {})
        for i in range(n)
    ]
    app = {"id": "app", "kind": "application", "name": "App", "supplier": "org-0000000"}
    return {
        "sovcheck": 1,
        "system": {"name": "Parent chain", "home": "FR"},
        "organizations": orgs,
        "components": [app],
    }


def waivers(n: int) -> dict[str, Any]:
    data = _estate(n)
    ids = [c["id"] for c in data["components"]]
    data["waivers"] = [
        {"rule": "EC-002", "component": cid, "reason": "benchmark", "expires": "2099-12-31"}
        for cid in ids[: len(ids) * 4 // 5]
    ]
    return data


def dangling_refs(n: int) -> dict[str, Any]:
    data = _estate(n)
    for i, comp in enumerate(data["components"][: n * 3 // 100]):
        comp["depends_on"] = [*comp.get("depends_on", []), f"missing-{i:07d}"]
    return data


SHAPES: dict[str, tuple[Callable[[int], dict[str, Any]], str, int | None]] = {
    # name: (generator, command, indent of the JSON written)
    "parent-chain": (parent_chain, "audit", 1),
    "waivers": (waivers, "audit", 1),
    "dangling-refs": (dangling_refs, "validate", 1),
    "minified": (_estate, "audit", None),
}


def measure(shape: str, n: int, repeat: int) -> dict[str, Any]:
    make, command, indent = SHAPES[shape]
    path = OUT / f"shape-{shape}-{n}.json"
    path.write_text(json.dumps(make(n), indent=indent), encoding="utf-8")
    exe = Path(sys.executable).parent / "sovcheck"
    cmd = [str(exe), command, str(path)]
    if command == "audit":
        cmd += ["--format", "json", "--today", TODAY]
    runs = [_run(cmd) for _ in range(repeat)]
    expected = (2,) if command == "validate" else (0, 1)
    for r in runs:
        if r["rc"] not in expected:
            raise SystemExit(f"{' '.join(cmd)} exited {r['rc']}:\n{r['stderr'][-2000:]}")
    return {
        "shape": shape,
        "n": n,
        "cpu": min(r["cpu"] for r in runs),
        "maxrss_mb": min(r["maxrss_mb"] for r in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=5000, help="the smaller size (x10 next)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (best kept)")
    parser.add_argument("--only", choices=sorted(SHAPES), action="append")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    rows = []
    for shape in args.only or list(SHAPES):
        small = measure(shape, args.small, args.repeat)
        large = measure(shape, args.small * 10, args.repeat)
        growth = large["cpu"] / small["cpu"]
        rows.append(
            {
                "shape": shape,
                "small": small,
                "large": large,
                "growth": round(growth, 2),
                "verdict": "PASS" if growth <= LIMIT else "FAIL",
            }
        )
        print(
            f"{rows[-1]['verdict']:4}  {shape:14} {small['n']:>9,} {small['cpu']:7.2f} s"
            f"  {large['n']:>9,} {large['cpu']:7.2f} s  growth {growth:5.1f} (limit {LIMIT:g})",
            flush=True,
        )
    (OUT / "shapes.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    print(f"written {OUT / 'shapes.json'}")


if __name__ == "__main__":
    main()
