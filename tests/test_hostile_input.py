"""Hostile input: nesting, sizes and values that once crashed sovcheck or misread it.

Each adversarial file is built here; none is a fixture.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sovcheck.errors import InputError
from sovcheck.load import document
from sovcheck.load.document import parse_document, read_input
from sovcheck.load.validation import Suggester

VALID = """\
sovcheck: 1
system:
  name: Test system
  home: FR
components:
  - id: app
    kind: application
    name: App
"""

DEEP = "[" * 28_000


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process: a crash of a C extension shows as exit -11 / 139."""
    return subprocess.run(
        [sys.executable, "-m", "sovcheck", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deep_flow_nesting_in_an_inventory_is_a_located_error(tmp_path):
    (tmp_path / "inv.yaml").write_text(f"sovcheck: 1\nsystem: {DEEP}\n")
    result = run("validate", "inv.yaml", cwd=tmp_path)
    assert result.returncode == 2, result
    assert result.stderr == "inv.yaml:2:73: nesting deeper than 64 levels\n"


def test_deep_block_nesting_is_a_located_error(tmp_path):
    (tmp_path / "inv.yaml").write_text("sovcheck: 1\nsystem:\n" + "- " * 28_000 + "x\n")
    result = run("validate", "inv.yaml", cwd=tmp_path)
    assert result.returncode == 2, result
    assert result.stderr == "inv.yaml:3:129: nesting deeper than 64 levels\n"


def test_deep_nesting_in_a_rubric_is_a_located_error(tmp_path):
    (tmp_path / "inv.yaml").write_text(VALID)
    (tmp_path / "rubric.yaml").write_text(f"objectives: {DEEP}\n")
    result = run("audit", "inv.yaml", "--rubric", "rubric.yaml", cwd=tmp_path)
    assert result.returncode == 2, result
    assert result.stderr == "rubric.yaml:1:77: nesting deeper than 64 levels\n"


def test_deep_nesting_through_whatif_set_is_a_located_error(tmp_path):
    (tmp_path / "inv.yaml").write_text(VALID)
    result = run("whatif", "inv.yaml", "--set", f"app.runs_on={DEEP}", cwd=tmp_path)
    assert result.returncode == 2, result
    assert result.stderr.endswith(":1:66: nesting deeper than 64 levels\n")
    assert "internal error" not in result.stderr


def test_deep_json_nesting_is_a_located_error(tmp_path):
    (tmp_path / "inv.json").write_text('{"sovcheck": 1, "system": ' + DEEP + "]" * 28_000 + "}")
    result = run("validate", "inv.json", cwd=tmp_path)
    assert result.returncode == 2, result
    assert result.stderr == "inv.json:1:91: nesting deeper than 64 levels\n"


def test_deep_xml_nesting_is_a_located_error(tmp_path):
    bom = (
        '<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components>'
        + "<component>" * 28_000
        + "</component>" * 28_000
        + "</components></bom>"
    )
    (tmp_path / "bom.xml").write_text(bom)
    result = run("import", "bom.xml", "-o", "out.yaml", cwd=tmp_path)
    assert result.returncode == 2, result
    assert "nesting deeper than" in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("depth", [64, 65])
def test_the_depth_limit_is_64_levels(depth):
    text = "a: " + "[" * depth + "]" * depth
    if depth == 64:
        assert parse_document(text.encode(), "f.yaml", as_json=False).data["a"] is not None
    else:
        with pytest.raises(InputError) as exc:
            parse_document(text.encode(), "f.yaml", as_json=False)
        assert exc.value.lines() == ["f.yaml:1:68: nesting deeper than 64 levels"]


def problems(text: str, name: str = "f.yaml") -> list[str]:
    with pytest.raises(InputError) as exc:
        parse_document(text.encode(), name, as_json=name.endswith(".json"))
    return exc.value.lines()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9" * 4301, "an integer of 4,301 digits; sovcheck reads at most 4,300"),
        ("!!int abc", "'abc' is not an integer"),
        ("!!float abc", "'abc' is not a number"),
        ("!!bool maybe", "'maybe' is not true or false"),
    ],
)
def test_yaml_values_that_are_not_what_they_say_are_located(value, message):
    assert problems(f"a: 1\nb: {value}\n") == [f"f.yaml:2:4: {message}"]


def test_yaml_integers_at_the_digit_limit_and_in_other_bases_are_read():
    data = parse_document(f"a: {'9' * 4300}\nb: 0x{'f' * 5000}\n".encode(), "f", as_json=False).data
    assert data["a"] == int("9" * 4300)
    assert data["b"] == 16**5000 - 1


def test_a_huge_integer_in_an_inventory_and_a_rubric_exits_2(cli, tmp_path):
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(VALID + "    annual_cost_eur: " + "1" * 5000 + "\n")
    result = cli("validate", inventory)
    assert result.code == 2
    assert result.err == (
        f"{inventory}:9:22: an integer of 5,000 digits; sovcheck reads at most 4,300\n"
    )
    inventory.write_text(VALID)
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text("extends: default\nsettings:\n  x: " + "1" * 5000 + "\n")
    result = cli("audit", inventory, "--rubric", rubric)
    assert result.code == 2
    assert result.err == f"{rubric}:3:6: an integer of 5,000 digits; sovcheck reads at most 4,300\n"


MERGE = """\
a: &a {x: 1, y: 1}
b: &b {x: 2, z: 2}
"""


@pytest.mark.parametrize(
    ("merge", "expected"),
    [
        ("<<: [*a, *b]", {"x": 1, "y": 1, "z": 2}),
        ("<<: [*b, *a]", {"x": 2, "y": 1, "z": 2}),
        ("<<: [*a, *b]\n  x: 3", {"x": 3, "y": 1, "z": 2}),
        ("x: 3\n  <<: *b", {"x": 3, "z": 2}),
    ],
)
def test_merge_keys_follow_the_yaml_merge_spec(merge, expected):
    data = parse_document(f"{MERGE}c:\n  {merge}\n".encode(), "f", as_json=False).data
    assert data["c"] == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1,\n "b": [1, NaN]}', "f.json:2:11: JSON syntax error: NaN is not valid JSON"),
        (
            '{"a": 1,\n "b": -Infinity}',
            "f.json:2:7: JSON syntax error: -Infinity is not valid JSON",
        ),
        (
            '{"a": "NaN 9",\n "b": [' + "9" * 4301 + "]}",
            "f.json:2:8: an integer of 4,301 digits; sovcheck reads at most 4,300",
        ),
        (
            '{"a": ' + "[" * 60 + '{"k": 1,\n "k": 2}' + "]" * 60 + "}",
            "f.json:2:2: duplicate key 'k'",
        ),
        (
            '{"a": ' + "[" * 70 + '{"k": 1, "k": 2}' + "]" * 70 + "}",
            "f.json:1:71: nesting deeper than 64 levels",
        ),
        (
            '{"a": "[[[", "b":\n ' + "[" * 65 + "]" * 65 + "}",
            "f.json:2:66: nesting deeper than 64 levels",
        ),
        (
            '{"a": 1,\n "b": ["ok", "\\ud800"]}',
            "f.json:2:14: " + "a \\u escape names half "
            "of a UTF-16 surrogate pair, which is no character; this is not valid Unicode text",
        ),
    ],
)
def test_json_errors_are_placed_where_they_are(text, message):
    assert problems(text, "f.json") == [message]


def test_json_at_the_depth_limit_and_surrogate_pairs_are_read():
    text = '{"a": "[[[\\ud83d\\ude00", "b": ' + "[" * 64 + "]" * 64 + "}"
    data = parse_document(text.encode(), "f.json", as_json=True).data
    assert data["a"] == "[[[\U0001f600"


def test_a_device_is_refused_unread_whatever_its_size_says(cli, tmp_path):
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(VALID)
    result = cli("audit", inventory, "--rubric", "/dev/zero")
    assert result.code == 2
    assert result.err == "/dev/zero:1:1: is not a regular file\n"
    result = cli("diff", "/dev/zero", inventory)
    assert result.code == 2
    assert result.err == "/dev/zero:1:1: is not a regular file\n"


def test_a_fifo_is_refused_without_blocking(cli, tmp_path):
    fifo = tmp_path / "inv.yaml"
    os.mkfifo(fifo)
    result = cli("validate", fifo)
    assert result.code == 2
    assert result.err == f"{fifo}:1:1: is not a regular file\n"


def test_input_is_read_up_to_the_limit_and_no_further(tmp_path, monkeypatch):
    path = tmp_path / "inv.yaml"
    path.write_bytes(b"x" * 11)
    monkeypatch.setattr(document, "MAX_INPUT_BYTES", 11)
    assert read_input(path, "inv.yaml") == b"x" * 11
    monkeypatch.setattr(document, "MAX_INPUT_BYTES", 10)
    with pytest.raises(InputError) as exc:
        read_input(path, "inv.yaml")
    assert exc.value.lines() == ["inv.yaml:1:1: larger than 0 MiB, the input limit"]
    read: list[int] = []
    real_open = Path.open

    def spying_open(self: Path, *args: object, **kwargs: object) -> object:
        handle = real_open(self, *args, **kwargs)  # type: ignore[call-overload]
        real_read = handle.read
        handle.read = lambda n=-1: read.append(n) or real_read(n)
        return handle

    monkeypatch.setattr(Path, "open", spying_open)
    with pytest.raises(InputError):
        read_input(path, "inv.yaml")
    assert read == [11]


def test_standard_input_is_bounded_too(cli, monkeypatch):
    monkeypatch.setattr(document, "MAX_INPUT_BYTES", 10)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(VALID.encode())))
    result = cli("validate", "-")
    assert result.code == 2
    assert result.err == "<stdin>:1:1: larger than 0 MiB, the input limit\n"


def test_an_unreadable_file_in_a_scanned_directory_is_a_located_error(cli, tmp_path, monkeypatch):
    (tmp_path / "a.yaml").write_text(VALID)
    (tmp_path / "b.yaml").write_text(VALID)
    real_open = Path.open

    def refusing_open(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "b.yaml":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", refusing_open)
    result = cli("audit", tmp_path)
    assert result.code == 2
    assert f"{tmp_path / 'b.yaml'}:1:1: cannot read: Permission denied\n" in result.err
    assert "internal error" not in result.err


CDX_XML = '<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components/></bom>'


@pytest.mark.parametrize("encoding", ["big5", "UTF-7", "shift_jis", "euc-jp", "gb2312", "bogus"])
def test_xml_in_an_encoding_sovcheck_does_not_read_is_refused(cli, tmp_path, encoding):
    bom = tmp_path / "bom.xml"
    bom.write_text(f'<?xml version="1.0" encoding="{encoding}"?>{CDX_XML}')
    result = cli("import", bom, "-o", tmp_path / "out.yaml")
    assert result.code == 2
    assert result.err == (
        f"{bom}:1:1: XML declared in the encoding '{encoding}', which sovcheck does not read; "
        "save the BOM as UTF-8\n"
    )


def test_a_long_doctype_is_refused_as_a_dtd(cli, tmp_path):
    bom = tmp_path / "bom.xml"
    entities = "".join(f'<!ENTITY e{i} "{i}">' for i in range(3000))
    bom.write_text(f'<?xml version="1.0"?><!DOCTYPE bom [{entities}]>{CDX_XML}')
    assert len(entities) > 20_000
    result = cli("import", bom, "-o", tmp_path / "out.yaml")
    assert result.code == 2
    assert result.err == (
        f"{bom}:1:1: XML refused: DTDForbidden (sovcheck reads no DTD, entity or external "
        "reference in a BOM)\n"
    )


def test_a_lone_surrogate_in_a_bom_is_located(cli, tmp_path):
    bom = tmp_path / "bom.json"
    bom.write_text(
        '{"bomFormat": "CycloneDX", "specVersion": "1.5",\n'
        ' "components": [{"type": "library", "name": "\\ud800"}]}'
    )
    result = cli("import", bom, "-o", tmp_path / "out.yaml")
    assert result.code == 2
    assert result.err.startswith(f"{bom}:2:45: a \\u escape names half of a UTF-16")


def test_an_invalid_component_gets_its_own_problems_only(cli, tmp_path):
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(VALID.replace("    name: App\n", "") + "    x: 1\n")
    result = cli("validate", inventory)
    assert result.code == 2
    assert result.err == (
        f"{inventory}:6:5: missing required field 'name'\n{inventory}:8:5: unknown field 'x'\n"
    )


def test_an_empty_component_list_is_still_refused(cli, tmp_path):
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(VALID.split("components:")[0] + "components: []\n")
    result = cli("validate", inventory)
    assert result.code == 2
    assert result.err == f"{inventory}:5:13: no components: an inventory needs at least one\n"


def test_an_invalid_rubric_objective_gets_its_own_problems_only(cli, tmp_path):
    inventory = tmp_path / "inv.yaml"
    inventory.write_text(VALID)
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(
        'rubric: 1\nid: t\ntitle: T\nversion: "1"\nobjectives:\n  - id: x\n    bogus: 1\nrules: []\n'
    )
    result = cli("audit", inventory, "--rubric", rubric)
    assert result.code == 2
    assert result.err == (
        f"{rubric}:6:5: missing required field 'title'\n{rubric}:7:5: unknown field 'bogus'\n"
    )


def test_suggestions_among_many_ids_still_find_the_typo():
    options = [*(f"component-{i:06d}" for i in range(2000)), "azure-france", "ovh-gra"]
    suggester = Suggester(sorted(options))
    assert suggester.did_you_mean("azure-frnace") == " (did you mean 'azure-france'?)"
    assert suggester.did_you_mean("ovh-gr") == " (did you mean 'ovh-gra'?)"
    assert suggester.did_you_mean("zzzzzz") == ""
