"""Time `sovcheck import` on a generated CycloneDX 1.6 BOM of N components.

    .venv/bin/python benchmarks/import_bom.py --sizes 10000,100000 [--repeat 3]

Writes benchmarks/out/bom-N.cdx.json (deterministic) and measures, each in a fresh
process (best of ``--repeat`` runs, CPU seconds user+sys, ``os.wait4``):

* ``json.load`` of the BOM, the least reading it costs;
* the stages of one import through the Python API, as the command runs them (the garbage
  collector paused, as the command pauses it): start-up
  (imports), read+map (``import_bom``: parse, detect, map to an inventory, catalog
  look-ups), dump (``dump_inventory`` to YAML) and write;
* the command, ``sovcheck import BOM -o bom-N.cdx.yaml``, start-up included.

It prints the ratios the targets are about: the command / ``json.load`` of the BOM (at
most 8 at 100,000 components), and the command / (``json.load`` + dump + write), what
"parsing it plus writing the inventory" costs (about 1 at 10,000), and how the command's
time grows with the size, which should stay close to linear.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

from run import _run  # noqa: E402

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


def child_json_load(path: Path) -> dict[str, float]:
    start = time.process_time()
    with path.open("rb") as handle:
        json.load(handle)
    return {"json.load": time.process_time() - start}


def child_stages(path: Path) -> dict[str, float]:
    clock = time.process_time
    t0 = clock()
    from sovcheck.gcpause import paused_gc
    from sovcheck.importers import dump_inventory, import_bom

    t1 = clock()
    with paused_gc():  # as the command runs
        data, header = import_bom(path, system_name=None, home="FR")
        t2 = clock()
        text = dump_inventory(data, header, as_json=False)
        t3 = clock()
        path.with_suffix(".api.yaml").write_text(text, encoding="utf-8")
        t4 = clock()
    return {"start-up": t1 - t0, "read+map": t2 - t1, "dump": t3 - t2, "write": t4 - t3}


def run_child(kind: str, path: Path) -> dict[str, float]:
    with tempfile.TemporaryFile() as out:
        result = _run([sys.executable, __file__, "--child", kind, str(path)], stdout=out)
        out.seek(0)
        printed = out.read()
    if result["rc"] != 0:
        raise SystemExit(f"{kind} on {path} failed:\n{result['stderr']}")
    return dict(json.loads(printed))


def run_cli(path: Path) -> float:
    sovcheck = Path(sys.executable).parent / "sovcheck"
    result = _run([str(sovcheck), "import", str(path), "-o", str(path.with_suffix(".yaml"))])
    if result["rc"] != 0:
        raise SystemExit(f"sovcheck import {path} exited {result['rc']}:\n{result['stderr']}")
    return float(result["cpu"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", choices=["json-load", "stages"])
    parser.add_argument("path", nargs="?")
    args = parser.parse_args()
    if args.child:
        child = child_json_load if args.child == "json-load" else child_stages
        print(json.dumps(child(Path(args.path))))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for n in sizes:
        path = generate(n)
        load = min(run_child("json-load", path)["json.load"] for _ in range(args.repeat))
        stage_runs = [run_child("stages", path) for _ in range(args.repeat)]
        stages = {k: min(r[k] for r in stage_runs) for k in stage_runs[0]}
        cli = min(run_cli(path) for _ in range(args.repeat))
        rows.append((n, load, stages, cli))
    print(f"CPU seconds, best of {args.repeat}:")
    print("| components | BOM MB | json.load | start-up | read+map | dump | write | command |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for n, load, stages, cli in rows:
        mb = (OUT / f"bom-{n}.cdx.json").stat().st_size / 1e6
        cells = " | ".join(f"{stages[k]:.2f}" for k in ("start-up", "read+map", "dump", "write"))
        print(f"| {n:,} | {mb:.1f} | {load:.2f} | {cells} | {cli:.2f} |")
    for n, load, stages, cli in rows:
        floor = load + stages["dump"] + stages["write"]
        print(
            f"{n:,}: command / json.load = {cli / load:.1f}; "
            f"command / (json.load + dump + write) = {cli / floor:.1f}"
        )
        if n == 100_000:
            verdict = "PASS" if cli / load <= 8 else "FAIL"
            print(f"target: 100,000 to YAML <= 8 x json.load of the BOM: {verdict}")
    if len(rows) > 1:
        (first, *_, first_cli), (last, *_, last_cli) = rows[0], rows[-1]
        print(
            f"command cpu({last:,}) / cpu({first:,}) = {last_cli / first_cli:.1f} "
            f"for {last / first:.0f} times the components"
        )


if __name__ == "__main__":
    main()
