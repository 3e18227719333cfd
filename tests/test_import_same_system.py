"""One system exported in several BOM formats imports as one inventory, with one score."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sovcheck.importers import import_bom
from tests.test_import_bom import TODAY, audit_of, load_back

# A small system as Microsoft's sbom-tool describes it: the root package, two packages it
# depends on, suppliers written as "Organization: ..." and NOASSERTION where nothing is known.
PACKAGES = [
    ("RootPackage", "contoso-app", "1.0.0", "Organization: Microsoft", None),
    (
        "Package-A",
        "Newtonsoft.Json",
        "13.0.1",
        "Organization: Microsoft",
        "pkg:nuget/Newtonsoft.Json@13.0.1",
    ),
    ("Package-B", "left-pad", "1.3.0", "NOASSERTION", "pkg:npm/left-pad@1.3.0"),
]
DEPENDS = [("RootPackage", "Package-A"), ("RootPackage", "Package-B")]


def spdx22() -> dict[str, Any]:
    packages = []
    for key, name, version, supplier, purl in PACKAGES:
        package: dict[str, Any] = {
            "SPDXID": f"SPDXRef-{key}",
            "name": name,
            "versionInfo": version,
            "supplier": supplier,
            "downloadLocation": "NOASSERTION",
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
            "filesAnalyzed": False,
        }
        if purl:
            package["externalRefs"] = [
                {
                    "referenceCategory": "PACKAGE-MANAGER",
                    "referenceType": "purl",
                    "referenceLocator": purl,
                }
            ]
        packages.append(package)
    relationships = [
        {
            "spdxElementId": "SPDXRef-DOCUMENT",
            "relationshipType": "DESCRIBES",
            "relatedSpdxElement": "SPDXRef-RootPackage",
        }
    ] + [
        {
            "spdxElementId": f"SPDXRef-{a}",
            "relationshipType": "DEPENDS_ON",
            "relatedSpdxElement": f"SPDXRef-{b}",
        }
        for a, b in DEPENDS
    ]
    return {
        "spdxVersion": "SPDX-2.2",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "contoso-app 1.0.0",
        "documentNamespace": "https://sbom.example/contoso-app/1.0.0",
        "creationInfo": {"created": "2026-11-01T00:00:00Z", "creators": ["Tool: sbom-tool"]},
        "documentDescribes": ["SPDXRef-RootPackage"],
        "packages": packages,
        "relationships": relationships,
    }


def spdx3() -> dict[str, Any]:
    graph: list[dict[str, Any]] = [
        {"type": "CreationInfo", "@id": "_:creationinfo", "specVersion": "3.0.1"},
        {
            "type": "Organization",
            "spdxId": "SPDXRef-Organization-Microsoft",
            "name": "Organization: Microsoft",
            "creationInfo": "_:creationinfo",
        },
        {
            "type": "Organization",
            "spdxId": "SPDXRef-Organization-NOASSERTION",
            "name": "NOASSERTION",
            "creationInfo": "_:creationinfo",
        },
    ]
    for key, name, version, supplier, purl in PACKAGES:
        org = "Microsoft" if "Microsoft" in supplier else "NOASSERTION"
        package: dict[str, Any] = {
            "type": "software_Package",
            "spdxId": f"SPDXRef-{key}",
            "name": name,
            "software_packageVersion": version,
            "suppliedBy": f"SPDXRef-Organization-{org}",
            "software_downloadLocation": "NOASSERTION",
            "creationInfo": "_:creationinfo",
        }
        if purl:
            package["externalIdentifier"] = [
                {
                    "type": "ExternalIdentifier",
                    "externalIdentifierType": "packageUrl",
                    "identifier": purl,
                }
            ]
        graph.append(package)
    for n, (a, b) in enumerate(DEPENDS):
        graph.append(
            {
                "type": "Relationship",
                "spdxId": f"SPDXRef-Relationship-{n}",
                "from": f"SPDXRef-{a}",
                "to": [f"SPDXRef-{b}"],
                "relationshipType": "DEPENDS_ON",
                "creationInfo": "_:creationinfo",
            }
        )
    graph.append(
        {
            "type": "Relationship",
            "spdxId": "SPDXRef-Relationship-describes",
            "from": "SPDXRef-DOCUMENT",
            "to": ["SPDXRef-RootPackage"],
            "relationshipType": "DESCRIBES",
            "creationInfo": "_:creationinfo",
        }
    )
    graph.append(
        {
            "type": "SpdxDocument",
            "spdxId": "SPDXRef-DOCUMENT",
            "name": "contoso-app 1.0.0",
            "creationInfo": "_:creationinfo",
        }
    )
    return {"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": graph}


def imported(tmp_path: Path, name: str, document: dict[str, Any]) -> dict[str, Any]:
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    data, _ = import_bom(path, system_name=None, home="FR")
    return data


def score(data: dict[str, Any], name: str) -> float:
    loaded = load_back(data, "", as_json=True, name=name)
    return audit_of(loaded).overall.score


def test_sbom_tool_spdx22_and_spdx3_give_the_same_inventory_and_score(tmp_path: Path) -> None:
    two = imported(tmp_path, "app.spdx.json", spdx22())
    three = imported(tmp_path, "app.spdx3.json", spdx3())
    assert two == three
    app = next(c for c in three["components"] if c["name"] == "contoso-app")
    assert app["kind"] == "application"
    assert app["supplier"] == "microsoft"
    assert app["uses"] == ["newtonsoft.json", "left-pad"]
    assert three["system"]["entrypoints"] == ["contoso-app"]
    left_pad = next(c for c in three["components"] if c["name"] == "left-pad")
    assert "supplier" not in left_pad  # NOASSERTION is unknown, not an organization
    assert "organizations" not in three
    assert score(two, "two.json") == score(three, "three.json")


def test_noassertion_is_unknown_in_cyclonedx_too(tmp_path: Path) -> None:
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": [
            {
                "type": "library",
                "bom-ref": "a",
                "name": "a",
                "supplier": {"name": "NOASSERTION"},
                "licenses": [{"license": {"name": "NOASSERTION"}}],
            }
        ],
    }
    data = imported(tmp_path, "bom.cdx.json", bom)
    assert data["components"] == [{"id": "a", "kind": "library", "name": "a"}]
    assert "organizations" not in data


def test_spdx3_reverse_spdx2_spelling_swaps_the_ends(tmp_path: Path) -> None:
    document = spdx3()
    for element in document["@graph"]:
        if element.get("relationshipType") == "DEPENDS_ON":
            element["relationshipType"] = "DEPENDENCY_OF"
            element["from"], element["to"] = element["to"][0], [element["from"]]
    assert imported(tmp_path, "app.spdx3.json", document) == imported(
        tmp_path, "app.spdx.json", spdx22()
    )


# A trivy filesystem scan of a small Python project: the scanned directory, the lock file
# trivy found in it, and the packages of that file.
LIBS = [("requests", "2.32.3"), ("urllib3", "2.2.3")]


def trivy_cyclonedx() -> dict[str, Any]:
    purls = [f"pkg:pypi/{name}@{version}" for name, version in LIBS]
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {
            "tools": {"components": [{"type": "application", "name": "trivy"}]},
            "component": {"bom-ref": "root-ref", "type": "application", "name": "myproject"},
        },
        "components": [
            {"bom-ref": "lock-ref", "type": "application", "name": "requirements.txt"},
            *(
                {"bom-ref": purl, "type": "library", "name": name, "version": version, "purl": purl}
                for (name, version), purl in zip(LIBS, purls, strict=True)
            ),
        ],
        "dependencies": [
            {"ref": "root-ref", "dependsOn": ["lock-ref"]},
            {"ref": "lock-ref", "dependsOn": purls},
        ],
    }


def trivy_spdx(*, describe_with: str) -> dict[str, Any]:
    packages: list[dict[str, Any]] = [
        {"SPDXID": "SPDXRef-Filesystem-1", "name": "myproject", "primaryPackagePurpose": "SOURCE"},
        {
            "SPDXID": "SPDXRef-Application-2",
            "name": "requirements.txt",
            "primaryPackagePurpose": "APPLICATION",
        },
    ]
    for n, (name, version) in enumerate(LIBS):
        packages.append(
            {
                "SPDXID": f"SPDXRef-Package-{n}",
                "name": name,
                "versionInfo": version,
                "primaryPackagePurpose": "LIBRARY",
                "supplier": "NOASSERTION",
                "externalRefs": [
                    {
                        "referenceCategory": "PACKAGE-MANAGER",
                        "referenceType": "purl",
                        "referenceLocator": f"pkg:pypi/{name}@{version}",
                    }
                ],
            }
        )
    relationships = [
        {
            "spdxElementId": "SPDXRef-Filesystem-1",
            "relationshipType": "CONTAINS",
            "relatedSpdxElement": "SPDXRef-Application-2",
        },
        *(
            {
                "spdxElementId": "SPDXRef-Application-2",
                "relationshipType": "CONTAINS",
                "relatedSpdxElement": f"SPDXRef-Package-{n}",
            }
            for n in range(len(LIBS))
        ),
    ]
    document: dict[str, Any] = {
        "spdxVersion": "SPDX-2.3",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "myproject",
        "packages": packages,
        "relationships": relationships,
    }
    if describe_with == "relationship":
        relationships.insert(
            0,
            {
                "spdxElementId": "SPDXRef-DOCUMENT",
                "relationshipType": "DESCRIBES",
                "relatedSpdxElement": "SPDXRef-Filesystem-1",
            },
        )
    else:
        document["documentDescribes"] = ["SPDXRef-Filesystem-1"]
    return document


def test_trivy_scan_as_cyclonedx_and_spdx_has_the_same_root_and_score(tmp_path: Path) -> None:
    cdx = imported(tmp_path, "scan.cdx.json", trivy_cyclonedx())
    for describe_with in ("relationship", "documentDescribes"):
        spdx = imported(tmp_path, "scan.spdx.json", trivy_spdx(describe_with=describe_with))
        assert spdx["system"] == cdx["system"]
        assert spdx["system"]["entrypoints"] == ["myproject"]
        root = next(c for c in spdx["components"] if c["id"] == "myproject")
        assert root["kind"] == "application"
        assert spdx == cdx
        assert score(spdx, "spdx.json") == score(cdx, "cdx.json")


def test_spdx3_root_element_and_describes_give_the_same_root(tmp_path: Path) -> None:
    document = spdx3()
    graph = document["@graph"]
    graph[:] = [e for e in graph if e.get("relationshipType") != "DESCRIBES"]
    graph[-1]["rootElement"] = ["SPDXRef-RootPackage"]
    assert imported(tmp_path, "root.spdx3.json", document) == imported(
        tmp_path, "app.spdx.json", spdx22()
    )
    graph[-1].pop("rootElement")
    no_root = imported(tmp_path, "none.spdx3.json", document)
    assert next(c for c in no_root["components"] if c["name"] == "contoso-app")["kind"] == "library"


def test_trove_classifier_is_mapped_and_an_unknown_licence_name_stays_unknown(
    tmp_path: Path,
) -> None:
    from sovcheck.model.report import Status

    def library(name: str, licence: str) -> dict[str, Any]:
        return {
            "type": "library",
            "bom-ref": name,
            "name": name,
            "purl": f"pkg:pypi/{name}@1.0",
            "licenses": [{"license": {"name": licence}}],
        }

    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {"component": {"type": "application", "bom-ref": "app", "name": "app"}},
        "components": [
            library("apachelib", "License :: OSI Approved :: Apache Software License"),
            library("mitlib", "License :: OSI Approved :: MIT License"),
            library("acmelib", "Acme Corporation Licence"),
        ],
    }
    data = imported(tmp_path, "bom.cdx.json", bom)
    by_name = {c["name"]: c for c in data["components"]}
    assert by_name["apachelib"]["license"] == "Apache-1.1 OR Apache-2.0"
    assert by_name["apachelib"]["inferred"]["license"] == (
        "trove classifier 'License :: OSI Approved :: Apache Software License' read as "
        "Apache-1.1 OR Apache-2.0 (the classifier names no version: any of these)"
    )
    assert by_name["mitlib"]["license"] == "MIT"
    assert "license" not in by_name["acmelib"]
    assert by_name["acmelib"]["notes"] == (
        "Licence stated as 'Acme Corporation Licence': not an SPDX licence, so left unknown."
    )
    from sovcheck.audit import AuditOptions, run_audit
    from sovcheck.catalog import builtin_catalog
    from sovcheck.load.rubric import load_rubric

    report = run_audit(
        load_back(data, "", as_json=True, name="bom.json"),
        load_rubric("default"),
        builtin_catalog(),
        AuditOptions(today=TODAY, include_passed=True),
    )
    ec003 = {f.component: f.status for f in report.findings if f.rule == "EC-003"}
    assert ec003["apachelib"] is Status.PASS
    assert ec003["mitlib"] is Status.PASS
    assert ec003["acmelib"] is Status.UNKNOWN


def test_text_encodings_with_a_byte_order_mark_import_alike(tmp_path: Path) -> None:
    text = json.dumps(spdx22())
    expected = imported(tmp_path, "plain.spdx.json", spdx22())
    for encoding in ("utf-8-sig", "utf-16", "utf-16-be", "utf-32", "utf-32-be"):
        raw = text.encode(encoding)
        if encoding in {"utf-16-be", "utf-32-be"}:
            raw = "\ufeff".encode(encoding) + raw
        path = tmp_path / f"{encoding}.spdx.json"
        path.write_bytes(raw)
        assert import_bom(path, system_name=None, home="FR")[0] == expected, encoding
