"""Benchmark sovcheck on synthetic inventories and check the scaling targets.

    .venv/bin/python benchmarks/run.py --sizes 1000,10000,100000 [--million] [--repeat 3]
    .venv/bin/python benchmarks/run.py --sizes 100000 --profile     # + cProfile of each audit

For each size, it generates ``benchmarks/out/inventory-N.{json,yaml}`` (kept between runs;
``--regenerate`` rewrites them) and measures, each in a fresh subprocess:

* ``json.load`` of the JSON file and ruamel.yaml ``YAML(typ='safe').load`` of the YAML file
  (the C parser: the script checks that the loader's Parser is ``CParser``): what reading
  the file costs at the least;
* the stages of one audit through the Python API (load+validate split into parse, model
  validation and reference checks; graph build; fact evaluation; dominators; scoring;
  report assembly; the JSON report split into ``report data``, the report without its
  findings as sorted data, and ``encode+write``, the findings and the encoding, in pieces
  as the CLI writes them), timed by wrapping the functions ``run_audit`` calls, so that the
  code path is the real one, with the garbage collector paused as the CLI pauses it;
* the CLI end to end, ``sovcheck audit FILE --format json`` with standard output to
  /dev/null (interpreter start-up and imports included), with its wall time, CPU time and
  peak resident memory (``os.wait4`` rusage of the child).

Each measurement is repeated ``--repeat`` times (once at a million) and the best kept.
CPU time (user+sys) is what the targets are checked on by default (``--clock cpu``): wall
time is printed too, but on a shared machine it measures the neighbours as well.

It prints tables and the targets with PASS/FAIL, and writes ``benchmarks/out/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

TODAY = "2026-11-23"  # fixed, so that waiver expiry and reports do not depend on the day

# --------------------------------------------------------------------------- children
# Each child prints one JSON object on its last line of standard output.


def _rusage_self() -> dict[str, float]:
    import resource

    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu": ru.ru_utime + ru.ru_stime, "maxrss_mb": ru.ru_maxrss / 1024}


def child_json_load(path: str) -> dict[str, Any]:
    import json as json_module

    t0, c0 = time.perf_counter(), time.process_time()
    with Path(path).open("rb") as f:
        data = json_module.load(f)
    t1, c1 = time.perf_counter(), time.process_time()
    return {"wall": t1 - t0, "cpu": c1 - c0, "items": len(data["components"]), **_peak()}


def child_yaml_load(path: str) -> dict[str, Any]:
    from ruamel.yaml import YAML
    from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]

    yaml = YAML(typ="safe")
    if yaml.Parser is not CParser:
        raise SystemExit(f"ruamel.yaml is not using its C parser (Parser is {yaml.Parser})")
    t0, c0 = time.perf_counter(), time.process_time()
    data = yaml.load(Path(path))
    t1, c1 = time.perf_counter(), time.process_time()
    return {"wall": t1 - t0, "cpu": c1 - c0, "items": len(data["components"]), **_peak()}


def _peak() -> dict[str, float]:
    return {"maxrss_mb": _rusage_self()["maxrss_mb"]}


_AUDIT_PARTS = (
    "graph",
    "organizations",
    "evaluate",
    "score",
    "rule_summaries",
    "risks",
    "unknowns",
)


class _Stages:
    """Accumulates wall and CPU time per stage, and the garbage collector's share."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.rss: dict[str, float] = {}
        self.gc_time = 0.0
        self.gc_runs = 0
        self._gc_start = 0.0

    def gc_callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_start = time.perf_counter()
        else:
            self.gc_time += time.perf_counter() - self._gc_start
            self.gc_runs += 1

    def wrap(self, name: str, fn: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - t0
                self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - c0
                self.rss[name] = _rusage_self()["maxrss_mb"]

        return timed


def child_stages(path: str, profile_to: str | None = None) -> dict[str, Any]:
    import gc

    st = _Stages()
    gc.callbacks.append(st.gc_callback)
    gc.disable()  # as sovcheck's main() does; collections still show up in `gc s` if any
    t_start, c_start = time.perf_counter(), time.process_time()

    import datetime as dt

    import sovcheck.audit as audit_mod
    import sovcheck.graph as graph_mod
    import sovcheck.load.inventory as inv_mod
    from sovcheck.catalog import builtin_catalog
    from sovcheck.formats import json_report
    from sovcheck.load.rubric import load_rubric

    st.wall["imports"] = time.perf_counter() - t_start
    st.cpu["imports"] = time.process_time() - c_start

    # Wrap what run_audit and load_inventory call, in the modules that call them.
    wrapped: list[tuple[Any, str, str]] = [
        (inv_mod, "read_document", "parse"),
        (inv_mod, "validate_model", "validate"),
        (inv_mod, "check_references", "references"),
        (audit_mod, "ValueChain", "graph"),
        (audit_mod, "Organizations", "organizations"),
        (audit_mod, "evaluate", "evaluate"),
        (audit_mod, "score", "score"),
        (audit_mod, "rule_summaries", "rule_summaries"),
        (audit_mod, "_risks", "risks"),
        (audit_mod, "_unknowns", "unknowns"),
        (graph_mod.ValueChain, "_compute_dominators", "dominators"),
        (json_report, "_head", "model_dump"),
    ]
    for owner, attribute, stage in wrapped:
        setattr(owner, attribute, st.wrap(stage, getattr(owner, attribute)))

    profiler = None
    if profile_to:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()

    catalog = st.wrap("catalog+rubric", builtin_catalog)()
    rubric = st.wrap("catalog+rubric", load_rubric)("default")
    loaded = st.wrap("load", inv_mod.load_inventory)(
        path,
        catalog_organizations=catalog.organizations.keys(),
        groups=catalog.group_members.keys(),
    )
    options = audit_mod.AuditOptions(today=dt.date.fromisoformat(TODAY))
    report = st.wrap("audit", audit_mod.run_audit)(loaded, rubric, catalog, options)

    def write(report: Any) -> int:
        """Written in pieces, as the CLI writes it (the bytes are discarded)."""
        return sum(len(piece) for piece in json_report.render_chunks(report))

    report_bytes = st.wrap("render", write)(report)
    if profiler is not None and profile_to:
        profiler.disable()
        profiler.dump_stats(profile_to)

    wall_total = time.perf_counter() - t_start
    cpu_total = time.process_time() - c_start
    # Derived stages: what is left of an enclosing stage once its parts are taken out.
    for clock in (st.wall, st.cpu):
        clock["assemble"] = clock["audit"] - sum(clock.get(k, 0.0) for k in _AUDIT_PARTS)
        clock["json.dumps"] = clock["render"] - clock.get("model_dump", 0.0)
        clock["load other"] = clock["load"] - sum(
            clock.get(k, 0.0) for k in ("parse", "validate", "references")
        )
    gc.callbacks.remove(st.gc_callback)
    return {
        "wall": st.wall,
        "cpu": st.cpu,
        "rss_after_mb": st.rss,
        "wall_total": wall_total,
        "cpu_total": cpu_total,
        "gc_time": st.gc_time,
        "gc_runs": st.gc_runs,
        "findings": len(report.findings),
        "report_mb": report_bytes / 1e6,
        **_peak(),
    }


CHILDREN = {"json-load": child_json_load, "yaml-load": child_yaml_load}

# --------------------------------------------------------------------------- parent


def _run(cmd: list[str], *, stdout: Any = subprocess.DEVNULL) -> dict[str, Any]:
    """Run ``cmd``; wall time, CPU time and peak RSS of that child alone (os.wait4)."""
    # Standard error goes to a file: a pipe read only after the wait would block a child
    # that writes more than the pipe holds (thousands of input errors).
    with tempfile.TemporaryFile() as errors:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=errors, cwd=ROOT)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        err = errors.read().decode(errors="replace")
    return {
        "rc": proc.returncode,
        "wall": wall,
        "cpu": ru.ru_utime + ru.ru_stime,
        "maxrss_mb": ru.ru_maxrss / 1024,
        "stderr": err,
    }


def run_child(kind: str, path: Path, extra: list[str] | None = None) -> dict[str, Any]:
    out = HERE / "out" / f".child-{os.getpid()}.json"
    cmd = [sys.executable, str(Path(__file__)), "--child", kind, str(path), "--child-out", str(out)]
    result = _run(cmd + (extra or []))
    if result["rc"] != 0:
        raise SystemExit(f"{kind} on {path} failed:\n{result['stderr']}")
    data: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    data["process"] = {k: result[k] for k in ("wall", "cpu", "maxrss_mb")}
    return data


def run_cli(path: Path) -> dict[str, Any]:
    exe = Path(sys.executable).parent / "sovcheck"
    cmd = [str(exe), "audit", str(path), "--format", "json", "--today", TODAY]
    result = _run(cmd)
    if result["rc"] not in (0, 1):  # 1: a gate fails, which these estates do
        raise SystemExit(f"sovcheck audit {path} exited {result['rc']}:\n{result['stderr']}")
    return {k: result[k] for k in ("rc", "wall", "cpu", "maxrss_mb")}


def best(runs: list[dict[str, Any]], key: str) -> float:
    return float(min(r[key] for r in runs))


def measure(
    n: int, repeat: int, regenerate: bool, profile: bool, formats: tuple[str, ...]
) -> dict[str, Any]:
    from generate import generate

    out = HERE / "out"
    json_path, yaml_path = out / f"inventory-{n}.json", out / f"inventory-{n}.yaml"
    if regenerate or not (json_path.exists() and yaml_path.exists()):
        t0 = time.perf_counter()
        generate(n, out)
        print(f"  generated {n} components in {time.perf_counter() - t0:.1f}s", flush=True)
    res: dict[str, Any] = {"n": n}
    for fmt, path, loader in (("json", json_path, "json-load"), ("yaml", yaml_path, "yaml-load")):
        if fmt not in formats:
            continue
        entry: dict[str, Any] = {"file_mb": path.stat().st_size / 1e6}
        loads = [run_child(loader, path) for _ in range(repeat)]
        entry["load"] = {
            "wall": best(loads, "wall"),
            "cpu": best(loads, "cpu"),
            "maxrss_mb": best(loads, "maxrss_mb"),
        }
        print(f"  {n} {fmt}: parser alone {entry['load']['wall']:.3f}s", flush=True)
        stages = [run_child("stages", path) for _ in range(repeat)]
        fastest = min(stages, key=lambda s: s["cpu_total"])
        entry["stages"] = fastest
        clis = [run_cli(path) for _ in range(repeat)]
        entry["cli"] = {
            "wall": best(clis, "wall"),
            "cpu": best(clis, "cpu"),
            "maxrss_mb": max(c["maxrss_mb"] for c in clis),
            "rc": clis[0]["rc"],
        }
        print(
            f"  {n} {fmt}: audit end to end {entry['cli']['wall']:.2f}s wall, "
            f"{entry['cli']['cpu']:.2f}s cpu, {entry['cli']['maxrss_mb']:.0f} MB",
            flush=True,
        )
        if profile:
            prof = out / f"profile-{n}-{fmt}.prof"
            run_child("stages", path, ["--profile-to", str(prof)])
            _write_profile_text(prof)
        res[fmt] = entry
    return res


def _write_profile_text(prof: Path) -> None:
    import io
    import pstats

    buf = io.StringIO()
    stats = pstats.Stats(str(prof), stream=buf)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(35)
    prof.with_suffix(".txt").write_text(buf.getvalue())
    print(f"  profile: {prof.with_suffix('.txt')}", flush=True)


STAGE_COLUMNS = [
    ("imports", "imports"),
    ("catalog+rubric", "catalog+rubric"),
    ("parse", "parse"),
    ("validate", "validate"),
    ("references", "refs"),
    ("graph", "graph"),
    ("evaluate", "evaluate"),
    ("dominators", "(dominators)"),
    ("score", "score"),
    ("risks", "risks"),
    ("assemble", "assemble"),
    ("model_dump", "report data"),
    ("json.dumps", "encode+write"),
]


def tables(results: list[dict[str, Any]], clock: str) -> str:
    from tabulate import tabulate

    rows = []
    for r in results:
        for fmt in ("json", "yaml"):
            if fmt not in r:
                continue
            e = r[fmt]
            base = e["load"][clock]
            cli = e["cli"][clock]
            rows.append(
                [
                    f"{r['n']:,}",
                    fmt,
                    f"{e['file_mb']:.1f}",
                    f"{base:.3f}",
                    f"{e['stages'][clock + '_total']:.2f}",
                    f"{e['cli']['wall']:.2f}",
                    f"{e['cli']['cpu']:.2f}",
                    f"{cli / base:.1f}",
                    f"{e['cli']['maxrss_mb']:.0f}",
                    f"{e['load']['maxrss_mb']:.0f}",
                    f"{e['stages']['findings']:,}",
                ]
            )
    head = [
        "components",
        "format",
        "MB",
        f"parser alone s ({clock})",
        f"API audit s ({clock})",
        "CLI wall s",
        "CLI cpu s",
        "CLI/parser",
        "CLI peak MB",
        "parser peak MB",
        "findings",
    ]
    out = [tabulate(rows, head, tablefmt="github")]
    srows = []
    for r in results:
        for fmt in ("json", "yaml"):
            if fmt not in r:
                continue
            s = r[fmt]["stages"]
            times = s[clock]
            srows.append(
                [f"{r['n']:,}", fmt]
                + [f"{times.get(k, 0.0):.3f}" for k, _ in STAGE_COLUMNS]
                + [f"{s['gc_time']:.2f}", f"{s['maxrss_mb']:.0f}"]
            )
    shead = ["components", "format"] + [label for _, label in STAGE_COLUMNS] + ["gc s", "peak MB"]
    out.append(tabulate(srows, shead, tablefmt="github"))
    return "\n\n".join(out)


def targets(results: list[dict[str, Any]], clock: str) -> list[dict[str, Any]]:
    by_n = {r["n"]: r for r in results}
    found: list[dict[str, Any]] = []

    def add(name: str, value: float | None, limit: float, unit: str = "") -> None:
        ok = value is not None and value <= limit
        found.append({"target": name, "value": value, "limit": limit, "pass": ok, "unit": unit})

    if 100_000 in by_n:
        j = by_n[100_000]["json"]
        add("(a) 100k JSON: audit / json.load", j["cli"][clock] / j["load"][clock], 6.0)
    if 100_000 in by_n and "yaml" in by_n[100_000]:
        y = by_n[100_000]["yaml"]
        add("(b) 100k YAML: audit / ruamel safe C load", y["cli"][clock] / y["load"][clock], 1.3)
    if 100_000 in by_n and 10_000 in by_n:
        for fmt in ("json", "yaml"):
            if fmt not in by_n[100_000] or fmt not in by_n[10_000]:
                continue
            big, small = by_n[100_000][fmt], by_n[10_000][fmt]
            add(
                f"(c) {fmt.upper()} audit time(100k) / time(10k)",
                big["cli"][clock] / small["cli"][clock],
                11.0,
            )
    if 1_000_000 in by_n:
        m = by_n[1_000_000]["json"]
        add("(d) 1M JSON: completes, peak RSS (GB)", m["cli"]["maxrss_mb"] / 1024, 6.0, "GB")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description="sovcheck scaling benchmarks")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--million", action="store_true", help="also run 1,000,000 components")
    parser.add_argument(
        "--million-yaml", action="store_true", help="at a million, run the YAML file too"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument(
        "--tag", default="", help="write results-TAG.json (e.g. to compare a patched tree)"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile each audit as well")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        if args.child == "stages":
            data = child_stages(args.path, args.profile_to)
        else:
            data = CHILDREN[args.child](args.path)
        Path(args.child_out).write_text(json.dumps(data))
        return

    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.million and 1_000_000 not in sizes:
        sizes.append(1_000_000)
    (HERE / "out").mkdir(exist_ok=True)
    results = []
    for n in sizes:
        print(f"size {n:,}", flush=True)
        repeat = 1 if n >= 1_000_000 else args.repeat
        formats = ("json",) if n >= 1_000_000 and not args.million_yaml else ("json", "yaml")
        profile = args.profile and n >= 100_000
        results.append(measure(n, repeat, args.regenerate, profile, formats))
    text = tables(results, args.clock)
    print()
    print(text)
    found = targets(results, args.clock)
    print(f"\nTargets (on {args.clock} time):")
    for t in found:
        verdict = "PASS" if t["pass"] else "FAIL"
        print(f"  {verdict}  {t['target']}: {t['value']:.2f} (limit {t['limit']:g})")
    meta = {
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "clock": args.clock,
        "repeat": args.repeat,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "tag": args.tag,
        "pythonpath": os.environ.get("PYTHONPATH", ""),
    }
    out = HERE / "out" / (f"results-{args.tag}.json" if args.tag else "results.json")
    out.write_text(json.dumps({"meta": meta, "results": results, "targets": found}, indent=2))
    print(f"\nwritten {out}")


if __name__ == "__main__":
    main()
