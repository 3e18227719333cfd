"""A BOM that cyclonedx-py writes of sovcheck's own environment imports and audits."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sovcheck.importers import dump_inventory, import_bom
from sovcheck.model.report import Status
from tests.conftest import ROOT, audit

CYCLONEDX_PY = Path(sys.executable).parent / "cyclonedx-py"


@pytest.mark.parametrize("spec_version", ["1.5", "1.6"])
def test_cyclonedx_py_environment_bom_imports_and_audits(tmp_path, spec_version):
    if not CYCLONEDX_PY.exists() and shutil.which("cyclonedx-py") is None:
        pytest.skip("cyclonedx-py is not installed (pip install -e '.[test]' brings it)")
    bom = tmp_path / "env.cdx.json"
    subprocess.run(
        [
            str(CYCLONEDX_PY),
            "environment",
            "--sv",
            spec_version,
            "--of",
            "JSON",
            "--pyproject",
            str(ROOT / "pyproject.toml"),
            "--output-reproducible",
            "-o",
            str(bom),
            sys.executable,
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    data, header = import_bom(bom, system_name="sovcheck test environment", home="FR")
    names = {c["name"] for c in data["components"]}
    assert {"pydantic", "networkx", "typer", "tabulate"} <= names
    assert header.startswith(
        f"Imported by sovcheck from env.cdx.json (CycloneDX {spec_version}, JSON)."
    )
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(dump_inventory(data, header, as_json=False), encoding="utf-8")
    report = audit(inventory)
    libraries = [c for c in data["components"] if c["kind"] == "library"]
    assert len(libraries) >= 20
    # the licences cyclonedx-py found are read: networkx (BSD-3-Clause) is open source
    networkx = next(c for c in data["components"] if c["name"] == "networkx")
    assert "BSD" in networkx["license"]
    assert not [f for f in report.findings if f.component == networkx["id"] and f.rule == "TI-005"]
    # and what the BOM does not say is listed to establish
    assert report.unknowns
    assert not [f for f in report.findings if f.status is Status.PASS]
