"""Importing BOMs: small hand-made fixtures of each format, errors, output and scale."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from sovcheck.audit import AuditOptions, run_audit
from sovcheck.catalog import builtin_catalog
from sovcheck.errors import InputError
from sovcheck.importers import dump_inventory, import_bom
from sovcheck.importers.detect import BomFormat, detect
from sovcheck.importers.infer import country_code, hf_namespace_of_url, parse_purl, slug
from sovcheck.load.document import parse_document
from sovcheck.load.inventory import LoadedInventory, inventory_from_document
from sovcheck.load.rubric import load_rubric
from sovcheck.model.report import Report
from tests.conftest import check_golden

BOMS = Path(__file__).resolve().parent / "data" / "bom"
TODAY = dt.date(2026, 11, 23)


def load_back(data: dict[str, Any], header: str, *, as_json: bool, name: str) -> LoadedInventory:
    """The imported inventory, written out and read back the way a user's file is."""
    text = dump_inventory(data, header, as_json=as_json)
    catalog = builtin_catalog()
    doc = parse_document(text.encode(), name, as_json=as_json)
    return inventory_from_document(
        doc,
        catalog_organizations=catalog.organizations.keys(),
        groups=catalog.group_members.keys(),
    )


def audit_of(loaded: LoadedInventory) -> Report:
    return run_audit(loaded, load_rubric("default"), builtin_catalog(), AuditOptions(today=TODAY))


def imported(name: str, home: str = "FR") -> tuple[dict[str, Any], str]:
    return import_bom(BOMS / name, system_name=None, home=home)


def component(data: dict[str, Any], comp_id: str) -> dict[str, Any]:
    found = [c for c in data["components"] if c["id"] == comp_id]
    assert len(found) == 1, [c["id"] for c in data["components"]]
    return found[0]


def organization(data: dict[str, Any], org_id: str) -> dict[str, Any]:
    found = [o for o in data.get("organizations", []) if o["id"] == org_id]
    assert len(found) == 1, [o["id"] for o in data.get("organizations", [])]
    return found[0]


FIXTURES = [
    "cdx-app-1.4.json",
    "cdx-ml-1.5.xml",
    "cdx-ml-1.6.json",
    "spdx-2.3.spdx.json",
    "spdx-2.3.spdx",
    "spdx3-ai.spdx3.json",
]


@pytest.mark.parametrize("name", FIXTURES)
@pytest.mark.parametrize("as_json", [False, True], ids=["yaml", "json"])
def test_fixture_imports_loads_and_audits(name: str, as_json: bool) -> None:
    data, header = imported(name)
    loaded = load_back(data, header, as_json=as_json, name=name + (".json" if as_json else ".yaml"))
    assert len(loaded.inventory.components) == len(data["components"])
    assert isinstance(audit_of(loaded), Report)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cdx-app-1.4.json", BomFormat.CYCLONEDX_JSON),
        ("cdx-ml-1.5.xml", BomFormat.CYCLONEDX_XML),
        ("cdx-ml-1.6.json", BomFormat.CYCLONEDX_JSON),
        ("spdx-2.3.spdx.json", BomFormat.SPDX2_JSON),
        ("spdx-2.3.spdx", BomFormat.SPDX2_TAGVALUE),
        ("spdx3-ai.spdx3.json", BomFormat.SPDX3_JSONLD),
    ],
)
def test_detect_from_content(name: str, expected: BomFormat) -> None:
    assert detect((BOMS / name).read_bytes(), name).format is expected


def test_cyclonedx_14_tolerates_invalid_parts() -> None:
    data, header = imported("cdx-app-1.4.json")
    assert data["system"] == {
        "name": "Assistant",
        "home": "FR",
        "trusted": ["EU"],
        "entrypoints": ["assistant"],
    }
    assert component(data, "assistant")["kind"] == "application"
    assert component(data, "assistant")["uses"] == ["requests", "mistralai"]
    # no type: the pypi purl says library; licenses given as a string instead of an array
    urllib3 = component(data, "urllib3")
    assert urllib3["kind"] == "library"
    assert urllib3["license"] == "MIT"
    assert urllib3["inferred"] == {"kind": "purl type 'pypi' (a software package)"}
    # a supplier matched to the catalog is referenced by its id, never redefined
    mistral = component(data, "mistralai")
    assert mistral["supplier"] == "mistral-ai"
    assert mistral["license"] == "Apache-2.0 OR MIT"
    assert "organizations" not in data
    # the repeated bom-ref and the dangling dependency are counted, not fatal
    assert "Skipped: 1 reference to nothing in the BOM, 1 repeated reference." in header


def test_cyclonedx_xml_15() -> None:
    data, header = imported("cdx-ml-1.5.xml")
    assert header.startswith("Imported by sovcheck from cdx-ml-1.5.xml (CycloneDX 1.5, XML).")
    assert component(data, "chat")["supplier"] == "agence-exemple"
    assert component(data, "chat")["uses"] == ["small-model", "vllm"]
    assert component(data, "vllm")["uses"] == ["h100"]
    gpu = component(data, "h100")
    assert gpu["kind"] == "chip"
    assert gpu["supplier"] == "ovhcloud"
    assert gpu["inferred"]["supplier"].startswith("domain ovhcloud.com of supplier URL")
    model = component(data, "small-model")
    assert model["license"] == "Apache-2.0"
    assert model["weights"] == "open"
    assert "weights" in model["inferred"]


def test_cyclonedx_16_model_dataset_service() -> None:
    data, _ = imported("cdx-ml-1.6.json")
    app = component(data, "assistant-juridique")
    assert app["calls"] == ["search-api"]
    assert app["uses"] == ["mistral-7b-instruct-v0.3"]
    model = component(data, "mistral-7b-instruct-v0.3")
    assert model["supplier"] == "mistral-ai"
    assert model["inferred"]["supplier"] == (
        "Hugging Face account 'mistralai' in the purl, listed by the catalog as mistral-ai's"
    )
    assert model["trained_on"] == ["jurisprudence-corpus", "public-web"]
    corpus = component(data, "jurisprudence-corpus")
    assert corpus["classification"] == "restricted"
    assert corpus["supplier"] == "ministere-exemple"
    assert organization(data, "ministere-exemple")["country"] == "FR"
    assert "inferred" not in organization(data, "ministere-exemple")  # FR was written as a code
    search = component(data, "search-api")
    assert search["supplier"] == "google"
    assert search["connectivity"] == "internet"
    assert search["classification"] == "internal"
    assert search["calls"] == ["log-sink"]  # from an outbound data flow
    assert search["inferred"]["calls"] == "data flow 'queries' goes out of Search API to it"
    assert organization(data, "unlisted-logs-inc") == {
        "id": "unlisted-logs-inc",
        "name": "Unlisted Logs Inc",
        "country": "US",
        "inferred": {"country": "address country 'United States' in the BOM, read as ISO code US"},
    }
    energy = component(data, "training-site-power")
    assert energy["kind"] == "energy"
    assert energy["location"] == ["FR"]
    assert energy["supplier"] == "regie-electrique"
    assert data["system"]["entrypoints"] == ["assistant-juridique"]


def test_cyclonedx_16_golden_yaml() -> None:
    data, header = imported("cdx-ml-1.6.json")
    check_golden("import/cdx-ml-1.6.yaml", dump_inventory(data, header, as_json=False))


def test_spdx_23() -> None:
    data, header = imported("spdx-2.3.spdx.json")
    app = component(data, "rag-service")
    assert app["kind"] == "application"
    assert app["supplier"] == "scaleway"
    assert app["license"] == "EUPL-1.2"  # concluded is NOASSERTION: the declared one
    assert app["uses"] == ["fastapi", "commons-lang"]  # the dev dependency is left out
    assert component(data, "pytest").get("inferred") is None
    assert component(data, "commons-lang")["supplier"] == "apache-software-foundation"
    fastapi = component(data, "fastapi")
    assert fastapi["supplier"] == "sebastian-ramirez"
    assert fastapi["inferred"]["supplier"] == "originator 'Sebastián Ramírez' taken as supplier"
    assert organization(data, "sebastian-ramirez")["notes"] == "A person, not an organization."
    assert (
        "Skipped: 1 DEV_DEPENDENCY_OF relationship (not needed at run time), "
        "1 relationship to nothing in the BOM." in header
    )


def test_spdx_23_tag_value_imports_as_the_same_document_in_json() -> None:
    from_json, json_header = imported("spdx-2.3.spdx.json")
    from_tags, tags_header = imported("spdx-2.3.spdx")
    assert from_tags == from_json
    assert tags_header == json_header.replace(
        "from spdx-2.3.spdx.json (SPDX 2.3, JSON)", "from spdx-2.3.spdx (SPDX 2.3, tag-value)"
    )
    assert tags_header != json_header


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "SPDXVersion: SPDX-2.3\nPackageName: a\nthis line has no tag\n",
            "bom.spdx:3:1: expected 'Tag: value' (SPDX tag-value)",
        ),
        (
            "SPDXVersion: SPDX-2.3\nPackageName: a\n  PackageCopyrightText: <text>open\nend\n",
            "bom.spdx:3:25: <text> is not closed by </text>",
        ),
    ],
)
def test_spdx_tag_value_errors_have_positions(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bom.spdx"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_bom(path, system_name=None, home="FR")
    assert str(exc.value) == message.replace("bom.spdx", str(path))


def test_spdx3_ai_and_dataset_profiles() -> None:
    data, header = imported("spdx3-ai.spdx3.json")
    assert header.startswith("Imported by sovcheck from spdx3-ai.spdx3.json (SPDX 3.0.1, JSON-LD).")
    assert component(data, "classifier")["kind"] == "application"
    assert component(data, "classifier")["uses"] == ["doc-classifier"]
    model = component(data, "doc-classifier")
    assert model["kind"] == "model"
    assert model["supplier"] == "mistral-ai"
    assert model["license"] == "Apache-2.0"
    assert model["trained_on"] == ["court-decisions"]
    dataset = component(data, "court-decisions")
    assert dataset["classification"] == "restricted"
    assert dataset["personal_data"] is True
    assert dataset["supplier"] == "archives-exemple"
    # testedOn is not imported; the evaluation set stays in, unattached
    assert "depends_on" not in component(data, "classifier")
    assert "Skipped: 1 testedOn relationship (not imported)." in header


def test_home_outside_the_eu_trusts_nothing() -> None:
    data, _ = imported("cdx-app-1.4.json", home="US")
    assert data["system"]["trusted"] == []


def test_system_name_option() -> None:
    data, _ = import_bom(BOMS / "cdx-app-1.4.json", system_name="Mon système", home="FR")
    assert data["system"]["name"] == "Mon système"


def test_output_is_deterministic_and_json_keeps_field_order() -> None:
    first = dump_inventory(*imported("cdx-ml-1.6.json"), as_json=True)
    second = dump_inventory(*imported("cdx-ml-1.6.json"), as_json=True)
    assert first == second
    parsed = json.loads(first)
    assert list(parsed) == ["sovcheck", "system", "organizations", "components"]
    assert list(parsed["components"][1])[:4] == ["id", "kind", "name", "version"]
    assert parsed["system"]["notes"].startswith("Imported by sovcheck from cdx-ml-1.6.json")
    yaml_text = dump_inventory(*imported("cdx-ml-1.6.json"), as_json=False)
    assert yaml_text.startswith(
        "# Imported by sovcheck from cdx-ml-1.6.json (CycloneDX 1.6, JSON)."
    )
    assert all(line == line.rstrip() for line in yaml_text.splitlines())


# --------------------------------------------------------------------------- errors


def test_json_syntax_error_has_line_and_column() -> None:
    with pytest.raises(InputError) as exc:
        imported("broken.json")
    assert str(exc.value) == (
        f"{BOMS / 'broken.json'}:5:18: JSON syntax error: "
        "Expecting property name enclosed in double quotes"
    )


def test_xml_entities_are_refused() -> None:
    with pytest.raises(InputError) as exc:
        imported("entities.xml")
    assert "XML refused: DTDForbidden" in str(exc.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b'{"hello": "world"}', "JSON, but not a BOM sovcheck reads"),
        (b"<html><body/></html>", "XML, but not a CycloneDX BOM"),
        (b"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n", "lists no component or service"),
        (b"just text", "not a BOM sovcheck reads"),
        (b'{"bomFormat": "CycloneDX", "specVersion": "1.6"}', "lists no component or service"),
        (b"{\xc3\x28}", "not valid UTF-8"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as exc:
        import_bom(path, system_name=None, home="FR")
    assert message in str(exc.value)
    assert str(exc.value).startswith(str(path))


def test_xml_syntax_error_has_a_position(tmp_path: Path) -> None:
    path = tmp_path / "bom.xml"
    path.write_text('<bom xmlns="http://cyclonedx.org/schema/bom/1.6">\n  <components>\n</bom>\n')
    with pytest.raises(InputError) as exc:
        import_bom(path, system_name=None, home="FR")
    assert str(exc.value) == f"{path}:3:3: XML syntax error: mismatched tag"


def test_missing_file_and_bad_home(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        import_bom(tmp_path / "nope.json", system_name=None, home="FR")
    with pytest.raises(InputError, match="not an ISO 3166-1 alpha-2"):
        import_bom(BOMS / "cdx-app-1.4.json", system_name=None, home="France")


# --------------------------------------------------------------------------- helpers


def test_helpers() -> None:
    purl = parse_purl("pkg:huggingface/meta-llama/Llama-3.1-8B@1.0")
    assert purl is not None
    assert (purl.type, purl.namespace, purl.name, purl.version) == (
        "huggingface",
        "meta-llama",
        "Llama-3.1-8B",
        "1.0",
    )
    assert parse_purl("not a purl") is None
    assert hf_namespace_of_url("https://huggingface.co/datasets/nvidia/x") == "nvidia"
    assert hf_namespace_of_url("https://huggingface.co/docs/hub") is None
    assert hf_namespace_of_url("https://example.com/meta-llama") is None
    assert country_code("United States") == "US"
    assert country_code("fr") == "FR"
    assert country_code("Atlantis") is None
    assert slug("Régie Électrique", "x") == "regie-electrique"
    assert slug("???", "fallback") == "fallback"
    # Text that is already an id is kept as it is; anything else is rewritten.
    assert slug("torch-2.3.1", "x") == "torch-2.3.1"
    for text, expected in [
        ("a--b", "a-b"),
        ("lib-", "lib"),
        ("lib.", "lib"),
        ("Torch", "torch"),
        ("-lead", "lead"),
        ("a" * 81, "a" * 80),
    ]:
        assert slug(text, "x") == expected, text


# --------------------------------------------------------------------------- scale


def big_cyclonedx(n: int) -> dict[str, Any]:
    refs = [f"pkg:pypi/lib{i}@1.0" for i in range(n)]
    components = [
        {
            "type": "library",
            "bom-ref": ref,
            "name": f"lib{i}",
            "version": "1.0",
            "purl": ref,
            "licenses": [{"license": {"id": "MIT"}}],
            "supplier": {"name": f"Maintainer {i % 500}"},
        }
        for i, ref in enumerate(refs)
    ]
    dependencies = [{"ref": "app", "dependsOn": refs[:20]}] + [
        {"ref": refs[i], "dependsOn": [refs[j] for j in (2 * i + 1, 2 * i + 2) if j < n]}
        for i in range(n)
    ]
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {"component": {"type": "application", "bom-ref": "app", "name": "App"}},
        "components": components,
        "dependencies": dependencies,
    }


def test_ten_thousand_components(tmp_path: Path) -> None:
    """A large BOM goes through (import is linear: dicts and sets, no pairwise scans)."""
    path = tmp_path / "big.json"
    path.write_text(json.dumps(big_cyclonedx(10_000)))
    data, header = import_bom(path, system_name=None, home="FR")
    assert len(data["components"]) == 10_001
    assert len(data["organizations"]) == 500
    assert "10001 components (1 application, 10000 library)" in header
    loaded = load_back(data, header, as_json=True, name="big.json")
    assert len(loaded.inventory.components) == 10_001


def test_inferred_facts_are_listed_in_the_report(tmp_path):
    """What an importer inferred is marked in the inventory and listed in the audit report."""
    from tests.conftest import audit

    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    bom = corpus / "cyclonedx" / "hf-rust-aibom-naveenbhav-1.6.json"
    if not bom.exists():
        pytest.skip(f"the shared BOM corpus is not at {corpus}")
    data, header = import_bom(bom, system_name=None, home="FR")
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(dump_inventory(data, header, as_json=False), encoding="utf-8")
    report = audit(inventory)
    assert (
        "component",
        "meta-llama-llama-3.1-8b",
        "supplier",
        "Hugging Face account 'meta-llama' in the purl, listed by the catalog as meta's",
    ) in {(f.subject, f.id, f.field, f.how) for f in report.inferred}


# --------------------------------------------------------------------------- purl publishers

_ACCOUNT_UNKNOWN = "is an account, not an organization, and the catalog does not say whose it is."


@pytest.mark.parametrize(
    ("purl", "supplier", "how"),
    [
        # the catalog says whose the account or domain is: the supplier, marked inferred
        (
            "pkg:huggingface/mistralai/Mistral-7B@1",
            "mistral-ai",
            "Hugging Face account 'mistralai' in the purl, listed by the catalog as mistral-ai's",
        ),
        (
            "pkg:maven/org.apache.commons/commons-lang3@3.12.0",
            "apache-software-foundation",
            "Maven groupId 'org.apache.commons', domain apache.org of catalog organization "
            "apache-software-foundation",
        ),
        (
            "pkg:golang/github.com/google/uuid@v1.6.0",
            "google",
            "GitHub account 'google' of the Go module path 'github.com/google/uuid', the name of "
            "catalog organization google",
        ),
        (
            "pkg:github/nvidia/cutlass@3.5",
            "nvidia",
            "GitHub account 'nvidia' in the purl, the name of catalog organization nvidia",
        ),
        (
            "pkg:oci/onnxruntime@sha256:ab?repository_url=ghcr.io/microsoft/onnxruntime",
            "microsoft",
            "GitHub account 'microsoft' of the image's registry path, the name of catalog "
            "organization microsoft",
        ),
        # an account or domain the catalog does not know: no supplier, no invented organization
        (
            "pkg:huggingface/someone/tiny-model@1",
            None,
            f"Supplier unknown: the Hugging Face account 'someone' in the purl {_ACCOUNT_UNKNOWN}",
        ),
        (
            "pkg:npm/%40angular/core@17.0.0",
            None,
            f"Supplier unknown: the npm scope '@angular' in the purl {_ACCOUNT_UNKNOWN}",
        ),
        (
            "pkg:docker/bitnami/redis@7.2",
            None,
            "Supplier unknown: the Docker Hub account 'bitnami' of the image's registry path "
            + _ACCOUNT_UNKNOWN,
        ),
        (
            "pkg:maven/io.github.someone/lib@1.0",
            None,
            "Supplier unknown: the GitHub account 'someone' of the Maven groupId "
            f"'io.github.someone' {_ACCOUNT_UNKNOWN}",
        ),
        (
            "pkg:maven/com.example.billing/invoices@2.1",
            None,
            "Supplier unknown: the Maven groupId 'com.example.billing' names the domain "
            "billing.example.com, which the catalog gives to no organization.",
        ),
        # the purl says nothing of a publisher: nothing is inferred, nothing is noted
        ("pkg:pypi/requests@2.31.0", None, None),
        ("pkg:npm/lodash@4.17.21", None, None),
        ("pkg:docker/library/nginx@1.27", None, None),
        (
            "pkg:oci/alpine@sha256:ab?repository_url=index.docker.io%2Flibrary%2Falpine",
            None,
            None,
        ),
    ],
)
def test_a_purl_names_a_supplier_only_where_the_catalog_says_whose_it_is(
    tmp_path: Path, purl: str, supplier: str | None, how: str | None
) -> None:
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {"component": {"type": "application", "name": "app", "bom-ref": "app"}},
        "components": [{"type": "library", "bom-ref": "dep", "name": "dep", "purl": purl}],
        "dependencies": [{"ref": "app", "dependsOn": ["dep"]}],
    }
    path = tmp_path / "bom.json"
    path.write_text(json.dumps(bom), encoding="utf-8")
    data, _ = import_bom(path, system_name=None, home="FR")
    dep = component(data, "dep")
    assert dep.get("supplier") == supplier
    assert "organizations" not in data  # catalog organizations are referred to, never copied
    if supplier is not None:
        assert dep["inferred"]["supplier"] == how
        assert "notes" not in dep
    else:
        assert "supplier" not in dep.get("inferred", {})
        assert dep.get("notes") == how
