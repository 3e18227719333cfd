"""Time a gap plan against one audit of the same inventory, in one process.

    .venv/bin/python benchmarks/plan.py --sizes 1000,3000
    .venv/bin/python benchmarks/plan.py --sizes 10000 --max-steps 1

For each size it generates ``benchmarks/out/inventory-N.json`` (see generate.py), then
measures the CPU time of one audit (``run_audit``) and of one gap plan to the rubric's
thresholds (``plan_gap``, at most 10 steps), in this process one after the other, and
prints the plan's time as a ratio to the audit's, with the number of steps and the
ratio per step (a plan that stops early is fast for a poor reason). ``--max-steps``
plans fewer steps, for sizes where ten steps take too long to wait for. A ratio, not
seconds: both run on the same machine in the same minute, so the neighbours' load
cancels out as far as it can on a shared machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

TODAY = "2026-11-23"


def main() -> None:
    import datetime as dt

    from generate import generate

    from sovcheck.audit import AuditOptions, run_audit
    from sovcheck.catalog import builtin_catalog
    from sovcheck.load.inventory import load_inventory
    from sovcheck.load.rubric import load_rubric
    from sovcheck.plan import plan_gap, rubric_minimums

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,3000")
    parser.add_argument("--max-steps", type=int, default=10)
    args = parser.parse_args()
    catalog = builtin_catalog()
    rubric = load_rubric("default")
    options = AuditOptions(today=dt.date.fromisoformat(TODAY))
    print("| components | audit CPU s | plan CPU s | plan / audit | steps | per step | stopped |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for size in (int(s) for s in args.sizes.split(",")):
        out = HERE / "out"
        path = out / f"inventory-{size}.json"
        if not path.exists():
            generate(size, out)
        loaded = load_inventory(
            str(path),
            catalog_organizations=catalog.organizations.keys(),
            groups=catalog.group_members.keys(),
        )
        t0 = time.process_time()
        run_audit(loaded, rubric, catalog, options)
        audit = time.process_time() - t0
        t0 = time.process_time()
        report = plan_gap(
            loaded, rubric, catalog, options, rubric_minimums(rubric), max_steps=args.max_steps
        )
        plan = time.process_time() - t0
        print(
            f"| {size:,} | {audit:.2f} | {plan:.1f} | {plan / audit:.0f} x | "
            f"{len(report.steps)} | {plan / audit / max(1, len(report.steps)):.0f} x | "
            f"{report.stopped} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
