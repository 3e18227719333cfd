"""BOM renderings and wrappers users have: SPDX 2 in every rendering the SPDX project's
own library writes, in-toto attestations as cosign and trivy write them, and the CycloneDX
versions in use."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

Cli = Callable[..., Result]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SPDX_EXAMPLE = CORPUS / "spdx2" / "spdx-spec-example-v2.3.spdx.json"

CDX = {
    "bomFormat": "CycloneDX",
    "specVersion": "1.6",
    "version": 1,
    "metadata": {"component": {"type": "application", "name": "shop", "bom-ref": "shop"}},
    "components": [
        {
            "type": "library",
            "bom-ref": "requests",
            "name": "requests",
            "version": "2.31.0",
            "purl": "pkg:pypi/requests@2.31.0",
            "licenses": [{"license": {"id": "Apache-2.0"}}],
        }
    ],
    "dependencies": [{"ref": "shop", "dependsOn": ["requests"]}],
}


def _inventory(result: Result) -> str:
    """The imported inventory without its header comments (they name the input file)."""
    assert result.code == 0, result.err
    return "\n".join(line for line in result.out.splitlines() if not line.startswith("#"))


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.skipif(not SPDX_EXAMPLE.exists(), reason=f"the shared corpus is absent ({CORPUS})")
def test_the_spdx_example_gives_one_inventory_from_every_rendering(
    cli: Cli, tmp_path: Path
) -> None:
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.writer.write_anything import write_file

    document = parse_file(str(SPDX_EXAMPLE))
    renderings = {}
    for suffix in ("json", "spdx", "yaml", "xml"):  # spdx: tag-value
        target = tmp_path / f"example.{suffix}"
        write_file(document, str(target), validate=False)
        renderings[suffix] = _inventory(cli("import", target))
    original = _inventory(cli("import", SPDX_EXAMPLE))
    assert renderings == dict.fromkeys(renderings, original)
    assert "license: LGPL-2.0-only OR LicenseRef-3" in original


def _canonical(inventory: str) -> object:
    """An inventory with its order taken out: components by id, lists sorted, licence
    choices sorted (an RDF graph has no order of its own)."""
    from license_expression import get_spdx_licensing
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(inventory)
    licensing = get_spdx_licensing()
    components = []
    for component in data["components"]:
        comp = {k: sorted(v) if isinstance(v, list) else v for k, v in component.items()}
        if "license" in comp:
            comp["license"] = str(licensing.parse(comp["license"]).simplify())
        comp.pop("notes", None)
        reason = comp.get("inferred", {}).get("uses")
        if reason:  # names the unreached parts in document order
            names, rest = reason.split(":", 1)
            comp["inferred"]["uses"] = ", ".join(sorted(names.split(", "))) + ":" + rest
        components.append(comp)
    return {**data, "components": sorted(components, key=lambda c: c["id"])}


@pytest.mark.skipif(not SPDX_EXAMPLE.exists(), reason=f"the shared corpus is absent ({CORPUS})")
def test_the_spdx_example_as_rdf_gives_the_same_inventory_in_its_own_order(
    cli: Cli, tmp_path: Path
) -> None:
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.writer.write_anything import write_file

    target = tmp_path / "example.rdf.xml"
    write_file(parse_file(str(SPDX_EXAMPLE)), str(target), validate=False)
    result = cli("import", target)
    assert result.out.splitlines()[0] == (
        "# Imported by sovcheck from example.rdf.xml (SPDX 2.3, RDF/XML)."
    )
    assert _canonical(_inventory(result)) == _canonical(_inventory(cli("import", SPDX_EXAMPLE)))


@pytest.mark.skipif(not SPDX_EXAMPLE.exists(), reason=f"the shared corpus is absent ({CORPUS})")
def test_spdx_rdf_import_is_the_same_bytes_whatever_the_hash_seed(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.writer.write_anything import write_file

    target = tmp_path / "example.rdf.xml"
    write_file(parse_file(str(SPDX_EXAMPLE)), str(target), validate=False)
    outputs = {
        subprocess.run(
            [sys.executable, "-m", "sovcheck", "import", str(target)],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def test_spdx_xml_that_spdx_tools_rejects_names_what_is_missing(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "bad.spdx.xml"
    target.write_text(
        "<?xml version='1.0' encoding='utf-8'?>\n<Document><spdxVersion>SPDX-2.3</spdxVersion>"
        "<SPDXID>SPDXRef-DOCUMENT</SPDXID></Document>\n",
        encoding="utf-8",
    )
    result = cli("import", target)
    assert result.code == 2
    assert result.err == (
        f"{target}:1:1: SPDX 2 XML not read by spdx-tools: Error while parsing document None: "
        "['CreationInfo does not exist.']\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaa">]>\n<Document><spdxVersion>'
        "SPDX-2.3</spdxVersion><name>&a;</name></Document>",
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:spdx="http://spdx.org/rdf/terms#">\n  <spdx:SpdxDocument rdf:about="x">\n'
        "</rdf:RDF>",
    ],
    ids=["entity", "syntax"],
)
def test_hostile_or_broken_spdx_xml_is_refused_with_a_place(
    cli: Cli, tmp_path: Path, text: str
) -> None:
    target = tmp_path / "doc.spdx.xml"
    target.write_text(text, encoding="utf-8")
    result = cli("import", target)
    assert result.code == 2
    assert result.err.startswith(f"{target}:"), result.err
    assert "XML refused" in result.err or "XML syntax error" in result.err
    assert "Traceback" not in result.err


def _statement(predicate: object, predicate_type: str) -> dict[str, object]:
    return {
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": predicate_type,
        "subject": [{"name": "registry.example/shop", "digest": {"sha256": "0" * 64}}],
        "predicate": predicate,
    }


def _envelope(statement: object, payload_type: str = "application/vnd.in-toto+json") -> dict:
    payload = base64.b64encode(json.dumps(statement).encode()).decode()
    return {"payloadType": payload_type, "payload": payload, "signatures": [{"sig": "AA=="}]}


@pytest.mark.parametrize(
    "wrapped",
    [
        pytest.param(_envelope(_statement(CDX, "https://cyclonedx.org/bom")), id="dsse"),
        pytest.param(_statement(CDX, "https://cyclonedx.org/bom/v1.6"), id="statement"),
        pytest.param(
            _envelope(
                _statement({"Data": json.dumps(CDX)}, "https://cosign.sigstore.dev/attestation/v1")
            ),
            id="cosign-custom",
        ),
    ],
)
def test_an_attestation_imports_as_the_bom_it_carries(
    cli: Cli, tmp_path: Path, wrapped: object
) -> None:
    plain = _inventory(cli("import", _write(tmp_path / "bom.json", CDX)))
    assert _inventory(cli("import", _write(tmp_path / "bom.intoto.json", wrapped))) == plain


def test_json_lines_of_attestations_import_the_one_bom(cli: Cli, tmp_path: Path) -> None:
    provenance = _envelope(_statement({"builder": {"id": "ci"}}, "https://slsa.dev/provenance/v1"))
    bom = _envelope(_statement(CDX, "https://cyclonedx.org/bom"))
    path = tmp_path / "image.intoto.jsonl"
    path.write_text(f"{json.dumps(provenance)}\n{json.dumps(bom)}\n", encoding="utf-8")
    plain = _inventory(cli("import", _write(tmp_path / "bom.json", CDX)))
    assert _inventory(cli("import", path)) == plain


def test_json_lines_with_two_boms_are_refused(cli: Cli, tmp_path: Path) -> None:
    bom = json.dumps(_envelope(_statement(CDX, "https://cyclonedx.org/bom")))
    path = tmp_path / "two.intoto.jsonl"
    path.write_text(f"{bom}\n{bom}\n", encoding="utf-8")
    result = cli("import", path)
    assert result.code == 2
    assert result.err == (
        f"{path}:1:1: 2 of the 2 attestations carry a CycloneDX or SPDX BOM; sovcheck "
        "imports a file holding exactly one\n"
    )


def test_an_envelope_of_another_payload_type_is_refused(cli: Cli, tmp_path: Path) -> None:
    path = _write(tmp_path / "x.json", _envelope(CDX, "application/octet-stream"))
    result = cli("import", path)
    assert result.code == 2
    assert "a DSSE envelope of payloadType 'application/octet-stream'" in result.err


def test_an_attestation_of_something_else_is_refused(cli: Cli, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "x.json",
        _envelope(_statement(["not", "a", "bom"], "https://slsa.dev/provenance/v1")),
    )
    result = cli("import", path)
    assert result.code == 2
    assert (
        "predicateType 'https://slsa.dev/provenance/v1', not a CycloneDX or SPDX BOM" in result.err
    )


@pytest.mark.parametrize("version", ["1.2", "1.3", "1.4", "1.5", "1.6", "1.7"])
def test_every_cyclonedx_json_version_in_use_imports_alike(
    cli: Cli, tmp_path: Path, version: str
) -> None:
    plain = _inventory(cli("import", _write(tmp_path / "bom.json", CDX)))
    versioned = _write(tmp_path / f"bom-{version}.json", {**CDX, "specVersion": version})
    assert _inventory(cli("import", versioned)) == plain


@pytest.mark.parametrize("version", ["1.2", "1.7"])
def test_cyclonedx_xml_of_other_versions_imports(cli: Cli, tmp_path: Path, version: str) -> None:
    path = tmp_path / "bom.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<bom xmlns="http://cyclonedx.org/schema/bom/{version}" '
        'version="1"><components><component type="library"><name>requests</name>'
        "<version>2.31.0</version><purl>pkg:pypi/requests@2.31.0</purl></component>"
        "</components></bom>\n",
        encoding="utf-8",
    )
    out = _inventory(cli("import", path))
    assert "name: requests" in out
    assert "purl: pkg:pypi/requests@2.31.0" in out


@pytest.mark.parametrize(
    ("cdx_type", "kind", "reason"),
    [
        ("platform", "library", "a platform (such as Kubernetes or a runtime): no inventory"),
        ("operating-system", "library", "an operating system: no inventory kind of its own"),
        ("container", "library", "a container image: no inventory kind of its own"),
        ("cryptographic-asset", "library", "a cryptographic asset (a CBOM algorithm"),
        ("device", "chip", "a hardware device: taken as a chip"),
        ("library", "library", None),  # a kind of its own: nothing inferred
    ],
)
def test_types_without_a_kind_of_their_own_are_marked_inferred(
    cli: Cli, tmp_path: Path, cdx_type: str, kind: str, reason: str | None
) -> None:
    from ruamel.yaml import YAML

    bom = {**CDX, "components": [{**CDX["components"][0], "type": cdx_type}]}
    out = _inventory(cli("import", _write(tmp_path / "bom.json", bom)))
    [component] = [c for c in YAML(typ="safe").load(out)["components"] if c["name"] == "requests"]
    assert component["kind"] == kind
    inferred = (component.get("inferred") or {}).get("kind")
    if reason is None:
        assert inferred is None
    else:
        assert inferred.startswith(reason)


def test_an_spdx_operating_system_is_marked_as_cyclonedx_s_is(cli: Cli, tmp_path: Path) -> None:
    from ruamel.yaml import YAML

    spdx = {
        "spdxVersion": "SPDX-2.3",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "image",
        "dataLicense": "CC0-1.0",
        "documentNamespace": "https://example.invalid/image",
        "creationInfo": {"created": "2026-01-01T00:00:00Z", "creators": ["Tool: test"]},
        "packages": [
            {
                "SPDXID": "SPDXRef-os",
                "name": "debian",
                "versionInfo": "12",
                "downloadLocation": "NOASSERTION",
                "primaryPackagePurpose": "OPERATING-SYSTEM",
            }
        ],
    }
    out = _inventory(cli("import", _write(tmp_path / "os.spdx.json", spdx)))
    [component] = YAML(typ="safe").load(out)["components"]
    assert component["inferred"]["kind"].startswith("an operating system: no inventory kind")
