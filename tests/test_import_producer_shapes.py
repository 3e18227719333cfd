"""Shapes seen in real producers' BOMs (cdxgen, trivy, cyclonedx-npm, tern, sbom-tool, the
SPDX examples), written here by hand at their smallest: each once crashed or misread the
importer."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sovcheck.importers import import_bom
from tests.conftest import Result

Cli = Callable[..., Result]


def _cdx(components: list[dict[str, Any]], dependencies: list[dict[str, Any]], **meta: Any) -> dict:
    bom: dict[str, Any] = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1}
    bom["metadata"] = {
        "component": meta.get("root", {"bom-ref": "app", "type": "application", "name": "app"})
    }
    bom["components"] = components
    bom["dependencies"] = dependencies
    return bom


def _import(tmp_path: Path, bom: object, name: str = "bom.json") -> dict[str, Any]:
    path = tmp_path / name
    path.write_text(bom if isinstance(bom, str) else json.dumps(bom), encoding="utf-8")
    data, _ = import_bom(path, system_name=None, home="FR")
    return data


def _components(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in data["components"]}


@pytest.mark.parametrize(
    "name", ["MIT/X11", "ASL, version 2", "The GNU General Public License, v2 with FOSS exception"]
)
def test_a_licence_name_with_slash_or_comma_stays_unknown(tmp_path: Path, name: str) -> None:
    # license-expression raised an AttributeError of its own on these (cdxgen, npm, tern)
    bom = _cdx(
        [
            {
                "bom-ref": "x",
                "type": "library",
                "name": "x",
                "licenses": [{"license": {"name": name}}],
            }
        ],
        [{"ref": "app", "dependsOn": ["x"]}],
    )
    x = _components(_import(tmp_path, bom))["x"]
    assert "license" not in x
    assert x["notes"] == f"Licence stated as '{name}': not an SPDX licence, so left unknown."


def test_a_licence_name_with_slash_in_spdx2_stays_unknown(tmp_path: Path) -> None:
    doc = {
        "spdxVersion": "SPDX-2.3",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "d",
        "packages": [{"SPDXID": "SPDXRef-a", "name": "a", "licenseDeclared": "MIT/X11"}],
    }
    a = _components(_import(tmp_path, doc, "d.spdx.json"))["a"]
    assert "license" not in a
    assert a["notes"] == "Licence stated as 'MIT/X11': not an SPDX licence, so left unknown."


def test_a_cycle_nothing_else_reaches_is_attached_to_the_root(tmp_path: Path) -> None:
    # trivy: Debian packages that depend on each other and on nothing the root reaches
    bom = _cdx(
        [
            {"bom-ref": "a", "type": "library", "name": "a"},
            {"bom-ref": "b", "type": "library", "name": "b"},
            {"bom-ref": "c", "type": "library", "name": "c"},
        ],
        [
            {"ref": "app", "dependsOn": ["c"]},
            {"ref": "a", "dependsOn": ["b"]},
            {"ref": "b", "dependsOn": ["a"]},
        ],
    )
    data = _import(tmp_path, bom)
    app = _components(data)["app"]
    assert app["uses"] == ["c", "a"]  # one member of the cycle: the other is reached through it
    assert app["inferred"]["uses"] == (
        "a: not reached by the BOM's dependencies, so taken as parts of 'app', which the BOM "
        "describes"
    )
    assert data["system"]["entrypoints"] == ["app"]


def test_without_a_root_a_cycle_gives_one_entrypoint(tmp_path: Path) -> None:
    bom = _cdx(
        [
            {"bom-ref": "a", "type": "library", "name": "a"},
            {"bom-ref": "b", "type": "library", "name": "b"},
            {"bom-ref": "c", "type": "library", "name": "c"},
        ],
        [{"ref": "a", "dependsOn": ["b"]}, {"ref": "b", "dependsOn": ["a"]}],
    )
    del bom["metadata"]
    # first what nothing depends on, then one member of each unreached cycle
    assert _import(tmp_path, bom)["system"]["entrypoints"] == ["c", "a"]


def test_spdx3_concluded_noassertion_leaves_the_declared_licence(tmp_path: Path) -> None:
    graph = [
        {"type": "SpdxDocument", "spdxId": "urn:doc", "name": "doc", "rootElement": ["urn:pkg"]},
        {"type": "software_Package", "spdxId": "urn:pkg", "name": "junit"},
        {
            "type": "simplelicensing_LicenseExpression",
            "spdxId": "urn:noa",
            "simplelicensing_licenseExpression": "NOASSERTION",
        },
        {
            "type": "simplelicensing_LicenseExpression",
            "spdxId": "urn:cpl",
            "simplelicensing_licenseExpression": "CPL-1.0",
        },
        {
            "type": "Relationship",
            "spdxId": "urn:r1",
            "from": "urn:pkg",
            "relationshipType": "hasConcludedLicense",
            "to": ["urn:noa"],
        },
        {
            "type": "Relationship",
            "spdxId": "urn:r2",
            "from": "urn:pkg",
            "relationshipType": "hasDeclaredLicense",
            "to": ["urn:cpl"],
        },
    ]
    doc = {"@context": "https://spdx.org/rdf/3.0.1/spdx-context.json", "@graph": graph}
    assert _components(_import(tmp_path, doc))["junit"]["license"] == "CPL-1.0"


def test_spdx3_as_sbom_tool_writes_it_keeps_purls_and_the_described_root(tmp_path: Path) -> None:
    graph = [
        {"type": "SpdxDocument", "spdxId": "SPDXRef-SpdxDocument-1", "name": "sample 1.0"},
        {"type": "software_Package", "spdxId": "SPDXRef-RootPackage", "name": "sample"},
        {
            "type": "software_Package",
            "spdxId": "SPDXRef-Package-1",
            "name": "Castle.Core",
            "software_packageVersion": "5.1.1",
            "externalIdentifier": ["SPDXRef-ExternalIdentifier-1"],
        },
        {
            "type": "ExternalIdentifier",
            "spdxId": "SPDXRef-ExternalIdentifier-1",
            "externalIdentifierType": "purl",
            "identifier": "pkg:nuget/Castle.Core@5.1.1",
        },
        {
            "type": "Relationship",
            "spdxId": "SPDXRef-Relationship-1",
            "from": "SPDXRef-DOCUMENT",
            "relationshipType": "DESCRIBES",
            "to": ["SPDXRef-RootPackage"],
        },
        {
            "type": "Relationship",
            "spdxId": "SPDXRef-Relationship-2",
            "from": "SPDXRef-RootPackage",
            "relationshipType": "DEPENDS_ON",
            "to": ["SPDXRef-Package-1"],
        },
    ]
    doc = {"@context": "https://spdx.org/rdf/3.0.1/spdx-context.json", "@graph": graph}
    data = _import(tmp_path, doc)
    components = _components(data)
    assert data["system"]["name"] == "sample"
    assert data["system"]["entrypoints"] == ["sample"]
    assert components["sample"]["kind"] == "application"
    assert components["castle.core"]["purl"] == "pkg:nuget/Castle.Core@5.1.1"


@pytest.mark.parametrize(
    ("component", "name"),
    [
        (
            {"group": "@colors", "name": "colors", "purl": "pkg:npm/%40colors/colors@1.6.0"},
            "@colors/colors",
        ),
        (
            {
                "group": "org.springframework",
                "name": "spring-core",
                "purl": "pkg:maven/org.springframework/spring-core@6.1.0",
            },
            "org.springframework:spring-core",
        ),
        ({"group": "com.example", "name": "lib"}, "com.example:lib"),
        ({"group": "acme", "name": "tool"}, "acme/tool"),
        ({"group": "@colors", "name": "@colors/colors"}, "@colors/colors"),  # already whole
        ({"name": "colors"}, "colors"),
    ],
)
def test_a_cyclonedx_group_is_part_of_the_name(
    tmp_path: Path, component: dict[str, str], name: str
) -> None:
    bom = _cdx(
        [{"bom-ref": "x", "type": "library", **component}], [{"ref": "app", "dependsOn": ["x"]}]
    )
    (x,) = [c for c in _import(tmp_path, bom)["components"] if c["id"] != "app"]
    assert x["name"] == name


def test_a_platform_root_keeps_the_reason_for_its_kind(tmp_path: Path) -> None:
    bom = _cdx(
        [{"bom-ref": "m", "type": "platform", "name": "minikube"}],
        [{"ref": "k", "dependsOn": ["m"]}],
        root={"bom-ref": "k", "type": "platform", "name": "k8s.io/kubernetes"},
    )
    root = _components(_import(tmp_path, bom))["k8s.io-kubernetes"]
    assert root["kind"] == "library"
    assert root["inferred"]["kind"] == (
        "a platform (such as Kubernetes or a runtime): no inventory kind of its own, taken as a "
        "software dependency"
    )


def test_a_nested_component_is_a_part_marked_inferred(tmp_path: Path) -> None:
    nested = {
        "bom-ref": "p",
        "type": "library",
        "name": "p",
        "components": [{"bom-ref": "q", "type": "library", "name": "q"}],
    }
    bom = _cdx([nested], [{"ref": "app", "dependsOn": ["p"]}])
    p = _components(_import(tmp_path, bom))["p"]
    assert p["uses"] == ["q"]
    assert p["inferred"]["uses"] == "'q' is nested in 'p', so a part it uses"


def test_a_json_document_written_one_object_per_line_is_not_json_lines(tmp_path: Path) -> None:
    text = (
        '{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[\n'
        '{"type":"library","name":"a"}]}\n'
    )
    assert [c["name"] for c in _import(tmp_path, text)["components"]] == ["a"]


def test_broken_json_that_looks_like_json_lines_reports_the_document_error(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "bom.json"
    path.write_text('{"bomFormat": "CycloneDX",\n{"components": []}\n', encoding="utf-8")
    result = cli("import", path)
    assert result.code == 2
    assert result.err.startswith(f"{path}:2:1: "), result.err


def test_an_internal_error_is_exit_3_not_bad_input(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("sovcheck.importers.api.assemble", broken)
    path = tmp_path / "bom.json"
    path.write_text(json.dumps(_cdx([], [])), encoding="utf-8")
    result = cli("import", path)
    assert result.code == 3
    assert result.err == (
        "sovcheck: internal error: RuntimeError: boom\n"
        "sovcheck: this is a bug in sovcheck; set SOVCHECK_DEBUG=1 to see the traceback\n"
    )
