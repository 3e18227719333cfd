"""Every real BOM of the shared corpus imports, loads back and audits without error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from sovcheck.audit import AuditOptions, run_audit
from sovcheck.catalog import builtin_catalog
from sovcheck.importers import dump_inventory, import_bom
from sovcheck.load.document import parse_document
from sovcheck.load.inventory import inventory_from_document
from sovcheck.load.rubric import load_rubric

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FILES = sorted(
    p.relative_to(CORPUS).as_posix()
    for p in CORPUS.rglob("*")
    if p.is_file() and p.suffix in {".json", ".xml"}
)
needs_corpus = pytest.mark.skipif(
    not FILES, reason=f"the shared BOM corpus is absent (looked in {CORPUS})"
)


def imported(name: str) -> dict[str, Any]:
    data, _ = import_bom(CORPUS / name, system_name=None, home="FR")
    return data


def component(data: dict[str, Any], comp_id: str) -> dict[str, Any]:
    found = [c for c in data["components"] if c["id"] == comp_id]
    assert len(found) == 1, [c["id"] for c in data["components"]]
    return found[0]


@needs_corpus
@pytest.mark.parametrize("name", FILES or ["(none)"])
def test_corpus_file_imports_loads_and_audits(name: str) -> None:
    data, header = import_bom(CORPUS / name, system_name=None, home="FR")
    assert header.startswith(f"Imported by sovcheck from {Path(name).name} (")
    catalog = builtin_catalog()
    for as_json in (False, True):
        text = dump_inventory(data, header, as_json=as_json)
        assert text == dump_inventory(
            *import_bom(CORPUS / name, system_name=None, home="FR"), as_json=as_json
        )
        doc = parse_document(text.encode(), name, as_json=as_json)
        loaded = inventory_from_document(
            doc,
            catalog_organizations=catalog.organizations.keys(),
            groups=catalog.group_members.keys(),
        )
        report = run_audit(
            loaded, load_rubric("default"), catalog, AuditOptions(today=dt.date(2026, 11, 23))
        )
        assert report is not None


@needs_corpus
def test_hugging_face_namespace_meta_llama_is_meta() -> None:
    data = imported("cyclonedx/hf-rust-aibom-naveenbhav-1.6.json")
    model = component(data, "meta-llama-llama-3.1-8b")
    assert model["supplier"] == "meta"
    assert model["inferred"]["supplier"] == (
        "Hugging Face account 'meta-llama' in the purl, listed by the catalog as meta's"
    )
    assert component(data, "deepseek-ai-deepseek-v3.1-base")["supplier"] == "deepseek"
    # a supplier URL on huggingface.co never makes Hugging Face the supplier
    assert component(data, "nvidia-llama-nemotron-vlm-dataset-v1")["supplier"] == "nvidia"


@needs_corpus
@pytest.mark.parametrize(
    "name",
    [
        "cyclonedx/cdx-spec-ml-energy-address-1.6.json",
        "cyclonedx/cdx-spec-ml-energy-address-1.6.xml",
    ],
)
def test_energy_provider_address_united_states_is_us(name: str) -> None:
    data = imported(name)
    energy = component(data, "meta-data-center-us-east")
    assert energy["kind"] == "energy"
    assert energy["location"] == ["US"]
    assert energy["supplier"] == "meta"
    assert energy["inferred"]["location"] == (
        "address country 'United States' of the energy provider in the model card, "
        "read as ISO code US"
    )
    model = component(data, "meta-llama-llama-2-7b")
    assert model["supplier"] == "hugging-face"  # stated by the BOM's supplier field
    assert data["system"]["entrypoints"] == ["meta-llama-llama-2-7b"]


@needs_corpus
def test_json_and_xml_encodings_give_the_same_inventory() -> None:
    from_json = imported("cyclonedx/cdx-spec-ml-energy-address-1.6.json")
    from_xml = imported("cyclonedx/cdx-spec-ml-energy-address-1.6.xml")
    from_json["system"].pop("name")
    from_xml["system"].pop("name")
    assert from_json == from_xml


@needs_corpus
def test_spdx3_simplehtr_models_and_training() -> None:
    data = imported("spdx3/spdx-ex-ai01-simplehtr.spdx3.json")
    assert component(data, "simplehtr")["kind"] == "application"
    trained = [c["id"] for c in data["components"] if c.get("trained_on") == ["iamdataset"]]
    assert trained == ["word-model-0.0", "line-model-0.0"]
    assert component(data, "iamdataset")["classification"] == "public"
