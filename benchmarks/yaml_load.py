"""How long sovcheck's YAML loader takes, against ruamel's C safe loader on the same file.

    .venv/bin/python benchmarks/yaml_load.py --sizes 10000,100000 [--repeat 3] [--audit]

On the generated ``benchmarks/out/inventory-N.yaml`` (written by generate.py if absent),
each in a fresh process, best of ``--repeat`` runs, CPU seconds (user+sys):

* ruamel's safe loader, ``YAML(typ='safe').load`` with its C parser (run.py's child);
* sovcheck's loader, ``read_document`` (parse, compose with positions, plain data), timed
  inside the process;
* ``load_for_catalog`` (the document, then the pydantic models and the reference checks):
  what ``sovcheck validate`` and ``audit`` spend before auditing;
* with ``--audit``, ``sovcheck audit FILE --format json`` end to end (run.py's CLI run).

It prints each as a ratio to the safe loader; the target is the loader at most 1.0 times
the safe loader at 100,000 components.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from run import _run, run_child, run_cli  # noqa: E402

LIMIT = 1.0


def child_loader(path: str) -> dict[str, float]:
    from sovcheck.catalog import builtin_catalog
    from sovcheck.load.document import read_document
    from sovcheck.load.inventory import load_for_catalog

    catalog = builtin_catalog()
    start = time.process_time()
    read_document(path)
    middle = time.process_time()
    load_for_catalog(Path(path), catalog)
    end = time.process_time()
    return {"read_document": middle - start, "load_for_catalog": end - middle}


def run_loader(path: Path) -> dict[str, float]:
    out = HERE / "out" / ".yaml-loader.json"
    result = _run([sys.executable, __file__, "--child", str(path), "--child-out", str(out)])
    if result["rc"] != 0:
        raise SystemExit(f"loader on {path} failed:\n{result['stderr']}")
    data: dict[str, float] = json.loads(out.read_text())
    out.unlink()
    return data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--audit", action="store_true", help="also time the CLI audit")
    parser.add_argument("--child")
    parser.add_argument("--child-out")
    args = parser.parse_args()
    if args.child:
        Path(args.child_out).write_text(json.dumps(child_loader(args.child)))
        return
    print(f"CPU seconds, best of {args.repeat}; ratio to ruamel's safe C loader:")
    print("| components | MB | safe loader | read_document | load_for_catalog | audit (CLI) |")
    print("| --- | --- | --- | --- | --- | --- |")
    verdicts = []
    for n in (int(s) for s in args.sizes.split(",")):
        path = HERE / "out" / f"inventory-{n}.yaml"
        if not path.exists():
            generate(n, HERE / "out")
        safe = min(run_child("yaml-load", path)["cpu"] for _ in range(args.repeat))
        runs = [run_loader(path) for _ in range(args.repeat)]
        ours = {k: min(r[k] for r in runs) for k in runs[0]}
        audit: Any = "-"
        if args.audit:
            cli = min(run_cli(path)["cpu"] for _ in range(args.repeat))
            audit = f"{cli:.2f} ({cli / safe:.2f} x)"
        cells = " | ".join(f"{ours[k]:.2f} ({ours[k] / safe:.2f} x)" for k in ours)
        print(f"| {n:,} | {path.stat().st_size / 1e6:.1f} | {safe:.2f} | {cells} | {audit} |")
        if n == 100_000:
            verdicts.append(ours["read_document"] / safe)
    for ratio in verdicts:
        verdict = "PASS" if ratio <= LIMIT else "FAIL"
        print(
            f"target: 100,000 YAML loader / safe loader = {ratio:.2f} (limit {LIMIT:g}): {verdict}"
        )


if __name__ == "__main__":
    main()
