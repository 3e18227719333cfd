"""Generate synthetic sovcheck inventories (format v1) of any size, as JSON and YAML.

The inventories look like real value chains scaled up: applications on top, then models,
services and datasets, libraries, clouds and datacenters, chips, energy and teams, with
about three typed relations per component pointing mostly "downwards", a few dependency
cycles, organizations with parent chains (catalog ids such as nvidia or ovhcloud and
generated ones with countries), classifications, locations and some annual costs.

Deterministic: the same size and seed give the same bytes. The YAML is written by a small
hand-written block-style emitter (ruamel's round-trip dumper is far too slow at a million
components); its output parses with ruamel's safe loader to the same data as the JSON.

    .venv/bin/python benchmarks/generate.py 100000 --out benchmarks/out
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Share of each kind, roughly as in the reference inventories scaled to a large estate.
KIND_SHARES: list[tuple[str, float]] = [
    ("application", 0.03),
    ("model", 0.05),
    ("dataset", 0.15),
    ("library", 0.38),
    ("service", 0.10),
    ("cloud", 0.03),
    ("datacenter", 0.04),
    ("chip", 0.04),
    ("energy", 0.03),
    ("team", 0.15),
]

PREFIX = {
    "application": "app",
    "model": "mdl",
    "dataset": "ds",
    "library": "lib",
    "service": "svc",
    "cloud": "cloud",
    "datacenter": "dc",
    "chip": "chip",
    "energy": "nrg",
    "team": "team",
}

# Catalog organizations used as suppliers (they exist in sovcheck's shipped catalog).
CATALOG_SUPPLIERS: dict[str, list[str]] = {
    "chip": ["nvidia", "amd", "intel", "sipearl", "huawei"],
    "cloud": ["microsoft-ireland", "ovhcloud", "scaleway", "aws", "google-cloud-france", "s3ns"],
    "datacenter": ["ovhcloud", "scaleway", "microsoft", "outscale"],
    "energy": ["edf", "engie", "rwe", "vattenfall"],
    "model": ["mistral-ai", "meta", "openai", "hugging-face", "aleph-alpha"],
    "library": ["python-software-foundation", "pytorch-foundation", "apache-software-foundation"],
    "service": ["openai", "microsoft", "google", "mistral-ai", "cloudflare"],
}
COUNTRIES = ["FR", "DE", "IT", "ES", "NL", "BE", "IE", "SE", "PL", "US", "GB", "CH", "JP", "CN"]
EU_LOCATIONS = ["FR", "DE", "NL", "IE", "SE", "IT", "ES", "BE", "FI", "PL"]
OTHER_LOCATIONS = ["US", "GB", "CH", "CA", "SG", "JP"]
LICENSES = [
    "Apache-2.0",
    "MIT",
    "BSD-3-Clause",
    "GPL-3.0-only",
    "LGPL-2.1-or-later",
    "MPL-2.0",
    "Apache-2.0 OR MIT",
    "LicenseRef-proprietary",
]
CLASSIFICATIONS = ["public", "internal", "restricted", "secret"]
CERTIFICATIONS = ["secnumcloud", "hds", "iso27001", "c5", "eucs-high"]
LANGUAGES = ["fr", "en", "de", "es", "it", "nl"]
LEGAL_BASES = ["public-task", "consent", "legitimate-interest", "contract"]
WORDS = [
    "search",
    "ranking",
    "invoice",
    "billing",
    "fraud",
    "triage",
    "chat",
    "summary",
    "translation",
    "vision",
    "speech",
    "records",
    "claims",
    "archive",
    "catalogue",
    "forecast",
    "payroll",
    "routing",
    "mapping",
    "health",
    "tax",
    "transport",
    "energy",
    "grid",
    "sensor",
    "logistics",
    "identity",
    "document",
    "knowledge",
]

LIBRARY_LAYERS = 6  # depth of library dependency chains

# What each kind relates to, with relation and how many targets (min, max).
DOWNWARD: dict[str, list[tuple[str, str, int, int]]] = {
    "application": [
        ("runs_on", "cloud", 1, 1),
        ("calls", "service", 0, 2),
        ("uses", "library", 1, 3),
        ("depends_on", "model", 0, 1),
        ("depends_on", "dataset", 0, 1),
        ("maintained_by", "team", 1, 1),
    ],
    "model": [
        ("trained_on", "dataset", 1, 2),
        ("runs_on", "cloud", 1, 1),
        ("uses", "library", 0, 1),
    ],
    "dataset": [("runs_on", "cloud", 1, 1)],
    "library": [("depends_on", "library", 0, 3)],
    "service": [("runs_on", "cloud", 1, 1), ("uses", "library", 0, 2)],
    "cloud": [
        ("runs_on", "datacenter", 1, 2),
        ("uses", "chip", 1, 1),
        ("maintained_by", "team", 1, 1),
    ],
    "datacenter": [("powered_by", "energy", 1, 1)],
    "chip": [],
    "energy": [],
    "team": [],
}


def kind_counts(n: int) -> dict[str, int]:
    counts = {kind: max(1, int(n * share)) for kind, share in KIND_SHARES}
    counts["library"] += n - sum(counts.values())  # libraries take the rounding
    if counts["library"] < 1:
        raise SystemExit("size too small: use at least 20 components")
    return counts


def _name(rng: random.Random, kind: str, i: int) -> str:
    a, b = rng.choice(WORDS), rng.choice(WORDS)
    return f"{a.capitalize()} {b} {kind} #{i}"


class Generator:
    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.counts = kind_counts(n)
        self.ids: dict[str, list[str]] = {
            kind: [f"{PREFIX[kind]}-{i:07d}" for i in range(count)]
            for kind, count in self.counts.items()
        }
        n_orgs = max(10, n // 40)
        self.org_ids = [f"org-{i:06d}" for i in range(n_orgs)]

    # ----------------------------------------------------------------- organizations

    def organizations(self) -> list[dict[str, Any]]:
        rng = self.rng
        orgs = []
        parents = ["microsoft", "alphabet", "amazon", "thales", "orange", "iliad", "french-state"]
        for k, oid in enumerate(self.org_ids):
            org: dict[str, Any] = {"id": oid, "name": f"{rng.choice(WORDS).capitalize()} {k} SA"}
            if rng.random() < 0.92:  # some countries unknown on purpose
                org["country"] = rng.choice(COUNTRIES)
            r = rng.random()
            if r < 0.25 and k > 0:
                # parent chains among generated orgs (always to a lower index: no loops)
                org["parent"] = self.org_ids[rng.randrange(max(0, k - 50), k)]
            elif r < 0.35:
                org["parent"] = rng.choice(parents)
            if rng.random() < 0.1:
                org["foreign_control"] = round(rng.random(), 2)
            if rng.random() < 0.3:
                org["sources"] = [f"https://registry.example.org/companies/{oid}"]
                org["as_of"] = (
                    f"202{rng.randrange(3, 7)}-0{rng.randrange(1, 10)}-1{rng.randrange(0, 9)}"
                )
            orgs.append(org)
        return orgs

    # ----------------------------------------------------------------- components

    def _supplier(self, kind: str) -> str | None:
        rng = self.rng
        r = rng.random()
        if r < 0.08:
            return None  # unknown supplier
        catalog = CATALOG_SUPPLIERS.get(kind)
        if catalog and r < 0.45:
            return rng.choice(catalog)
        return rng.choice(self.org_ids)

    def _location(self) -> list[str]:
        rng = self.rng
        if rng.random() < 0.8:
            return rng.sample(EU_LOCATIONS, rng.choice((1, 1, 1, 2)))
        return [rng.choice(OTHER_LOCATIONS)]

    def _targets(self, kind: str, own_index: int, target_kind: str, count: int) -> list[str]:
        pool = self.ids[target_kind]
        if not pool or count == 0:
            return []
        rng = self.rng
        if target_kind == kind:
            # Same-kind dependencies (libraries) go from one layer to a lower one, so that
            # chains stay a handful of hops deep whatever the size, as in real dependency
            # trees; a few point back up and close a cycle.
            layer = own_index * LIBRARY_LAYERS // len(pool)
            if rng.random() < 0.002 and own_index > 0:
                return [pool[rng.randrange(0, own_index)]]
            if layer + 1 >= LIBRARY_LAYERS:
                return []
            lo = (layer + 1) * len(pool) // LIBRARY_LAYERS
            span = len(pool) - lo
            if span <= 0:
                return []
            picked = {pool[lo + int(span * rng.random() ** 2)] for _ in range(count)}
            return sorted(picked)
        count = min(count, len(pool))
        # a skewed choice: a few popular libraries, clouds and teams get most edges
        picked = {pool[int(len(pool) * rng.random() ** 2)] for _ in range(count)}
        return sorted(picked)

    def component(self, kind: str, k: int) -> dict[str, Any]:
        rng = self.rng
        cid = self.ids[kind][k]
        comp: dict[str, Any] = {"id": cid, "kind": kind, "name": _name(rng, kind, k)}
        supplier = self._supplier(kind)
        if supplier is not None:
            comp["supplier"] = supplier
        if kind in ("application", "dataset") and rng.random() < 0.85:
            comp["classification"] = rng.choices(CLASSIFICATIONS, (3, 4, 2, 1))[0]
        located = ("dataset", "cloud", "datacenter", "energy", "team", "service")
        if kind in located and rng.random() < 0.85:
            comp["location"] = self._location()
        if kind in ("library", "model"):
            comp["license"] = rng.choice(LICENSES)
            comp["open_source"] = not comp["license"].startswith("LicenseRef")
            if kind == "library":
                comp["version"] = (
                    f"{rng.randrange(0, 9)}.{rng.randrange(0, 30)}.{rng.randrange(0, 9)}"
                )
        if kind == "model":
            comp["weights"] = rng.choice(("open", "open", "licensed", "closed"))
            comp["languages"] = rng.sample(LANGUAGES, rng.randrange(1, 4))
            if rng.random() < 0.5:
                comp["training_summary"] = f"https://models.example.org/{cid}/training-summary"
        if kind == "dataset":
            comp["languages"] = rng.sample(LANGUAGES, rng.randrange(1, 3))
            if rng.random() < 0.4:
                comp["personal_data"] = True
                if rng.random() < 0.8:
                    comp["legal_basis"] = rng.choice(LEGAL_BASES)
        if kind == "application":
            comp["languages"] = ["fr"] if rng.random() < 0.7 else ["fr", "en"]
            if rng.random() < 0.5:
                comp["accessibility"] = [rng.choice(("rgaa", "wcag-aa"))]
        if kind == "cloud":
            comp["certifications"] = rng.sample(CERTIFICATIONS, rng.randrange(0, 3))
            comp["connectivity"] = rng.choice(("private", "internet"))
        if kind == "chip":
            comp["export_controlled"] = rng.random() < 0.7
            if rng.random() < 0.3:
                comp["substitutes"] = [self.ids["chip"][rng.randrange(len(self.ids["chip"]))]]
        if kind == "service":
            comp["requires_connectivity"] = rng.random() < 0.8
        if kind == "team" and rng.random() < 0.1:
            comp["clearance"] = rng.choice(("confidentiel-defense", "secret", "none"))
        if kind in ("cloud", "service", "model") and rng.random() < 0.4:
            comp["annual_cost_eur"] = rng.randrange(1, 500) * 1000
        if kind == "library" and rng.random() < 0.05:
            comp["substitutes"] = [f"alt-{rng.choice(WORDS)}"]
        for relation, target_kind, lo, hi in DOWNWARD[kind]:
            targets = self._targets(kind, k, target_kind, rng.randint(lo, hi))
            if targets:
                existing = comp.setdefault(relation, [])
                existing.extend(t for t in targets if t not in existing and t != cid)
                if not existing:
                    del comp[relation]
        # a few service-to-service calls, some of them in loops
        if kind == "service" and rng.random() < 0.05:
            other = self.ids["service"][rng.randrange(len(self.ids["service"]))]
            if other != cid:
                comp["calls"] = [other]
        if rng.random() < 0.2:
            comp["sources"] = [f"https://docs.example.org/{kind}/{k}"]
            comp["as_of"] = (
                f"202{rng.randrange(3, 7)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
            )
        if rng.random() < 0.05:
            comp["notes"] = f"Reviewed by the {rng.choice(WORDS)} team: facts partly inferred."
        return comp

    def components(self) -> Iterator[dict[str, Any]]:
        # interleave kinds as a real file would group them: top of the stack first
        for kind, _ in KIND_SHARES:
            for k in range(self.counts[kind]):
                yield self.component(kind, k)

    def header(self) -> dict[str, Any]:
        return {
            "sovcheck": 1,
            "system": {
                "name": f"Synthetic estate of {self.n} components",
                "owner": "Benchmark ministry / DSI",
                "home": "FR",
                "trusted": ["EU"],
                "classification": "restricted",
                "entrypoints": self.ids["application"],
                "languages": ["fr"],
            },
        }

    def waivers(self) -> list[dict[str, Any]]:
        apps = self.ids["application"]
        return [
            {
                "rule": "DS-001",
                "component": apps[0],
                "reason": "Pilot ends before go-live; migration tracked in ticket 42",
                "expires": "2027-03-31",
            },
            {"rule": "EC-001", "reason": "Spend review scheduled", "expires": "2025-01-31"},
        ]


# --------------------------------------------------------------------------- writers


def write_json(gen: Generator, path: Path) -> None:
    """JSON with one component or organization per line (what exporters tend to write)."""
    dumps = json.JSONEncoder(separators=(", ", ": "), ensure_ascii=False).encode
    header = gen.header()
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write('{\n"sovcheck": 1,\n"system": ' + dumps(header["system"]) + ",\n")
        out.write('"organizations": [\n')
        out.write(",\n".join(dumps(o) for o in gen.organizations()))
        out.write('\n],\n"components": [\n')
        first = True
        for comp in gen.components():
            if not first:
                out.write(",\n")
            out.write(dumps(comp))
            first = False
        out.write('\n],\n"waivers": ' + dumps(gen.waivers()) + "\n}\n")


# Plain scalars are used only where YAML 1.2 (core schema) reads them back as the same
# string; anything else is written double-quoted (a JSON string is a valid YAML one).
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ._/+()#-]*$")
_RESERVED = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"})


def _scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    s = str(value)
    if (
        _PLAIN.match(s)
        and s.lower() not in _RESERVED
        and not s.endswith(" ")
        and " #" not in s
        and ": " not in s
    ):
        return s
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        return s  # a date: sovcheck keeps YAML timestamps as text
    return json.dumps(s, ensure_ascii=False)


def _flow_list(values: list[Any]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def _yaml_item(data: dict[str, Any], indent: str) -> str:
    """A mapping as a block sequence item ('- key: value' then aligned keys)."""
    lines = []
    for n, (key, value) in enumerate(data.items()):
        lead = indent + ("- " if n == 0 else "  ")
        if isinstance(value, list):
            lines.append(f"{lead}{key}: {_flow_list(value)}")
        else:
            lines.append(f"{lead}{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def write_yaml(gen: Generator, path: Path) -> None:
    header = gen.header()
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(f"sovcheck: 1\n# synthetic inventory: {gen.n} components\nsystem:\n")
        for key, value in header["system"].items():
            if key == "entrypoints":
                out.write("  entrypoints:\n")
                out.writelines(f"    - {_scalar(e)}\n" for e in value)
            elif isinstance(value, list):
                out.write(f"  {key}: {_flow_list(value)}\n")
            else:
                out.write(f"  {key}: {_scalar(value)}\n")
        out.write("organizations:\n")
        out.writelines(_yaml_item(o, "  ") for o in gen.organizations())
        out.write("components:\n")
        out.writelines(_yaml_item(c, "  ") for c in gen.components())
        out.write("waivers:\n")
        out.writelines(_yaml_item(w, "  ") for w in gen.waivers())


def generate(n: int, out_dir: Path, seed: int = 2026) -> tuple[Path, Path]:
    """Write ``inventory-N.json`` and ``inventory-N.yaml`` (same content) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / f"inventory-{n}.json"
    yaml_path = out_dir / f"inventory-{n}.yaml"
    write_json(Generator(n, seed), json_path)
    write_yaml(Generator(n, seed), yaml_path)
    return json_path, yaml_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="+", type=int, help="numbers of components")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    for n in args.sizes:
        for p in generate(n, args.out, args.seed):
            print(f"{p} ({p.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
