"""The floor under ``sovcheck audit --format json``, and the audit's ratio to it.

The floor is the least any auditor of the file must do, in one process: start the
interpreter, ``json.load`` the inventory, build adjacency lists over every relation, and
walk them breadth-first once from the entrypoints. ``json.load`` alone would measure the
garbage collector as much as the parsing (0.50 s with it on, 0.16 s off, at 100,000
components); the floor runs as a plain script does, collector on.

    .venv/bin/python benchmarks/floor.py --sizes 100000          # floor, audit, ratio
    .venv/bin/python benchmarks/floor.py --sizes 100000 --diff   # + diff of two reports
    .venv/bin/python benchmarks/floor.py benchmarks/out/inventory-100000.json  # floor only

Every figure of a run is measured in that run, each in a fresh process, CPU time
(user+sys) and wall time of that process alone (os.wait4), the median of ``--repeat``
runs. Targets: audit <= 5 x floor at 100,000 components (aim 3 x); the ratio at 1,000,000
(``--million``, needs about 6 GB free) at most 1.15 x the ratio at 100,000; ``sovcheck
diff`` of two saved reports <= 1.5 x a process that ``json.load``s both.
"""

from __future__ import annotations

import sys

# The relations of the inventory format (sovcheck.model.inventory.RELATIONS; the parent
# process checks they are the same). Nothing of sovcheck is imported by the floor itself.
RELATIONS = ("runs_on", "calls", "uses", "trained_on", "powered_by", "maintained_by", "depends_on")


def floor(path: str) -> int:
    """json.load, adjacency lists, one BFS from the entrypoints; the number reached."""
    import json
    from collections import deque

    with open(path, "rb") as f:  # noqa: PTH123 (pathlib would add its import to the floor)
        data = json.load(f)
    components = data["components"]
    index = {c["id"]: i for i, c in enumerate(components)}
    adjacency: list[list[int]] = [[] for _ in components]
    referenced = [False] * len(components)
    for i, c in enumerate(components):
        out = adjacency[i]
        for relation in RELATIONS:
            for target in c.get(relation, ()):
                j = index.get(target)
                if j is not None:
                    out.append(j)
                    referenced[j] = True
    entrypoints = data.get("system", {}).get("entrypoints")
    starts = (
        [index[e] for e in entrypoints]
        if entrypoints is not None
        else [i for i in range(len(components)) if not referenced[i]]
    )
    seen = [False] * len(components)
    queue = deque(starts)
    for s in starts:
        seen[s] = True
    reached = 0
    while queue:
        i = queue.popleft()
        reached += 1
        for j in adjacency[i]:
            if not seen[j]:
                seen[j] = True
                queue.append(j)
    return reached


def load_both(first: str, second: str) -> int:
    """json.load of two files: what ``diff`` of two saved reports is measured against."""
    import json

    total = 0
    for path in (first, second):
        with open(path, "rb") as f:  # noqa: PTH123 (pathlib would add its import to the floor)
            total += len(json.load(f)["findings"])
    return total


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--load-both":
    print(load_both(sys.argv[2], sys.argv[3]))
    raise SystemExit(0)
if __name__ == "__main__" and len(sys.argv) == 2 and not sys.argv[1].startswith("-"):
    print(floor(sys.argv[1]))
    raise SystemExit(0)

# --------------------------------------------------------------------------- the parent

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
TODAY = "2026-11-23"


def run(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Wall, CPU (user+sys) and peak RSS of ``cmd``'s process alone (os.wait4)."""
    with tempfile.TemporaryFile() as errors:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errors, cwd=ROOT, env=env)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    return {
        "rc": os.waitstatus_to_exitcode(status),
        "wall": wall,
        "cpu": ru.ru_utime + ru.ru_stime,
        "maxrss_mb": ru.ru_maxrss / 1024,
        "stderr": err,
    }


def median(
    cmd: list[str], repeat: int, ok: tuple[int, ...] = (0,), env: dict[str, str] | None = None
) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        r = run(cmd, env)
        if r["rc"] not in ok:
            raise SystemExit(f"{' '.join(cmd)} exited {r['rc']}:\n{r['stderr']}")
        runs.append(r)
    return {k: statistics.median(r[k] for r in runs) for k in ("wall", "cpu", "maxrss_mb")}


def inventory(n: int) -> Path:
    path = OUT / f"inventory-{n}.json"
    if not path.exists():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), str(n), "--out", str(OUT)], check=True
        )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--million", action="store_true", help="also 1,000,000 components")
    parser.add_argument("--diff", action="store_true", help="also diff of two saved reports")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--compare-src",
        metavar="DIR",
        help="also audit with the sovcheck of DIR (a src folder, e.g. another commit's), same run",
    )
    args = parser.parse_args()

    from sovcheck.model.inventory import RELATIONS as SOVCHECK_RELATIONS

    assert tuple(SOVCHECK_RELATIONS) == RELATIONS, "floor.RELATIONS is out of date"
    OUT.mkdir(exist_ok=True)
    exe = str(Path(sys.executable).parent / "sovcheck")
    sizes = [int(s) for s in args.sizes.split(",")] + ([1_000_000] if args.million else [])
    results: dict[str, Any] = {}
    rows = []
    for n in sizes:
        path = inventory(n)
        repeat = 1 if n >= 1_000_000 else args.repeat
        report = OUT / f"report-{n}.json"
        fl = median([sys.executable, str(Path(__file__)), str(path)], repeat)
        load = median([sys.executable, "-c", _JSON_LOAD, str(path)], repeat)
        cmd = [exe, "audit", str(path), "--format", "json", "--today", TODAY, "-o", str(report)]
        audit = median(cmd, repeat, ok=(0, 1))
        results[str(n)] = {"floor": fl, "json_load": load, "audit": audit}
        if args.compare_src:
            other = OUT / f"report-{n}-other.json"
            cmd = [sys.executable, "-m", "sovcheck", *cmd[1:-1], str(other)]
            env = {**os.environ, "PYTHONPATH": args.compare_src}
            before = median(cmd, repeat, ok=(0, 1), env=env)
            results[str(n)]["audit_other"] = before
            rows.append(
                f"| {n:,} ({args.compare_src}) | {fl['cpu']:.2f} | {load['cpu']:.2f} "
                f"| {before['cpu']:.2f} | {before['cpu'] / fl['cpu']:.2f} "
                f"| {before['wall'] / fl['wall']:.2f} "
                f"| {before['maxrss_mb']:,.0f} / {load['maxrss_mb']:,.0f} "
                f"| {other.stat().st_size / 1e6:.1f} |"
            )
        rows.append(
            f"| {n:,} | {fl['cpu']:.2f} | {load['cpu']:.2f} | {audit['cpu']:.2f} "
            f"| {audit['cpu'] / fl['cpu']:.2f} | {audit['wall'] / fl['wall']:.2f} "
            f"| {audit['maxrss_mb']:,.0f} / {load['maxrss_mb']:,.0f} "
            f"| {report.stat().st_size / 1e6:.1f} |"
        )
    print("CPU seconds (user+sys), median of the runs; ratios to the floor in the same run.\n")
    print(
        "| components | floor | json.load process | audit -o FILE | audit / floor (cpu) "
        "| audit / floor (wall) | peak RSS MB audit / json.load | report MB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    verdicts = []
    if "100000" in results:
        r = results["100000"]
        ratio = r["audit"]["cpu"] / r["floor"]["cpu"]
        verdicts.append(f"audit / floor at 100,000: {ratio:.2f} (target <= 5): " + _pf(ratio <= 5))
        if "1000000" in results:
            m = results["1000000"]
            growth = (m["audit"]["cpu"] / m["floor"]["cpu"]) / ratio
            verdicts.append(
                f"growth 1M vs 100k: {growth:.2f} (target <= 1.15): " + _pf(growth <= 1.15)
            )
            mem = m["audit"]["maxrss_mb"] / m["json_load"]["maxrss_mb"]
            verdicts.append(
                f"peak memory 1M / json.load: {mem:.2f} (target <= 3): " + _pf(mem <= 3)
            )
    if args.diff:
        n = sizes[0]
        first = OUT / f"report-{n}.json"
        second = OUT / f"report-{n}-b.json"
        run(
            [
                exe,
                "audit",
                str(inventory(n)),
                "--format",
                "json",
                "--today",
                "2026-11-24",
                "-o",
                str(second),
            ]
        )
        both = median(
            [sys.executable, str(Path(__file__)), "--load-both", str(first), str(second)],
            args.repeat,
        )
        diff = median(
            [exe, "diff", str(first), str(second), "--format", "json"], args.repeat, ok=(0, 1)
        )
        ratio = diff["cpu"] / both["cpu"]
        results["diff"] = {"load_both": both, "diff": diff, "n": n}
        print(
            f"\ndiff of two saved reports of {n:,} components: {diff['cpu']:.2f} s; "
            f"json.load of both (a process): {both['cpu']:.2f} s"
        )
        verdicts.append(
            f"diff / json.load of both: {ratio:.2f} (target <= 1.5): " + _pf(ratio <= 1.5)
        )
    print()
    print("\n".join(verdicts))
    (OUT / "floor.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


_JSON_LOAD = "import json, sys\nwith open(sys.argv[1], 'rb') as f: json.load(f)"


def _pf(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


if __name__ == "__main__":
    main()
