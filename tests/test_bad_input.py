"""Every bad input ends with exit 2 and `file:line:column: message` lines, never a traceback."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

VALID = """\
sovcheck: 1
system:
  name: Test system
  home: FR
  trusted: [EU]
  classification: restricted
components:
  - id: app
    kind: application
    name: App
    runs_on: [cloud]
  - id: cloud
    kind: cloud
    name: Cloud
    supplier: ovhcloud
    location: [FR]
"""


def write(tmp_path: Path, text: str | bytes, name: str = "inv.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def bad(cli, tmp_path: Path, text: str | bytes, name: str = "inv.yaml") -> list[str]:
    path = write(tmp_path, text, name)
    result = cli("validate", path)
    assert result.code == 2, result
    assert "Traceback" not in result.err
    assert result.out == ""
    lines = result.err.splitlines()
    assert lines, "no message"
    return [line.replace(str(path), "F") for line in lines]


def test_valid_inventory_validates(cli, tmp_path):
    result = cli("validate", write(tmp_path, VALID))
    assert result.code == 0
    assert "valid inventory, 2 components, 1 relations" in result.out


def test_yaml_syntax_error(cli, tmp_path):
    text = VALID.replace("trusted: [EU]", "trusted: [EU")
    assert bad(cli, tmp_path, text) == [
        "F:6:17: YAML syntax error: did not find expected ',' or ']'"
    ]


def test_unknown_field_suggests_the_closest(cli, tmp_path):
    text = VALID.replace("    location: [FR]", "    locaton: [FR]")
    assert bad(cli, tmp_path, text) == [
        "F:16:5: unknown field 'locaton' (did you mean 'location'?)"
    ]


def test_unknown_kind(cli, tmp_path):
    text = VALID.replace("kind: cloud", "kind: clowd")
    [line] = bad(cli, tmp_path, text)
    assert line.startswith("F:13:11: unknown kind 'clowd' (did you mean 'cloud'?); expected one of")


def test_duplicate_id(cli, tmp_path):
    text = VALID.replace("  - id: cloud", "  - id: app")
    lines = bad(cli, tmp_path, text)
    assert "F:12:9: duplicate component id 'app' (first at line 8)" in lines


def test_relation_to_missing_id(cli, tmp_path):
    text = VALID.replace("runs_on: [cloud]", "runs_on: [clud]")
    assert bad(cli, tmp_path, text) == [
        "F:11:15: runs_on refers to 'clud', which is not a component of this inventory "
        "(did you mean 'cloud'?)"
    ]


def test_invalid_country_code(cli, tmp_path):
    text = VALID.replace("location: [FR]", "location: [FRA]")
    assert bad(cli, tmp_path, text) == [
        "F:16:16: 'FRA' is not an ISO 3166-1 alpha-2 country code "
        "(that is alpha-3; the alpha-2 code is 'FR')"
    ]


def test_unsupported_format_version(cli, tmp_path):
    text = VALID.replace("sovcheck: 1", "sovcheck: 2")
    assert bad(cli, tmp_path, text) == [
        "F:1:11: unsupported inventory format version 2: this sovcheck reads version 1"
    ]


def test_empty_file(cli, tmp_path):
    assert bad(cli, tmp_path, "") == ["F:1:1: the file is empty"]
    assert bad(cli, tmp_path, "# only a comment\n", "c.yaml") == [
        "F:1:1: the file holds no document"
    ]


def test_no_components(cli, tmp_path):
    text = VALID.split("components:")[0] + "components: []\n"
    assert bad(cli, tmp_path, text) == ["F:7:13: no components: an inventory needs at least one"]


def test_binary_file(cli, tmp_path):
    assert bad(cli, tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") == [
        "F:3:1: this is a binary file, not YAML or JSON text"
    ]


def test_non_utf8_file(cli, tmp_path):
    text = VALID.replace("Test system", "Syst\u00e8me").encode("latin-1")
    assert bad(cli, tmp_path, text) == [
        "F:3:13: not valid UTF-8 (byte 0xe8); save the file as UTF-8"
    ]


def test_object_constructing_tag_is_refused_and_never_executed(cli, tmp_path):
    marker = tmp_path / "pwned"
    text = VALID.replace(
        "name: Test system", f"name: !!python/object/apply:os.system ['touch {marker}']"
    )
    assert bad(cli, tmp_path, text) == [
        "F:3:9: YAML tag '!!python/object/apply:os.system' is not allowed: "
        "sovcheck reads plain data and constructs no objects"
    ]
    assert not marker.exists()


def test_alias_bomb_stops_quickly(cli, tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "\n".join(lines) + "\nsovcheck: 1\n"
    start = time.perf_counter()
    [line] = bad(cli, tmp_path, text)
    assert time.perf_counter() - start < 5
    assert "aliases expand this document far beyond its size (an alias bomb?)" in line


def test_json_syntax_error_has_position(cli, tmp_path):
    assert bad(cli, tmp_path, '{"sovcheck": 1,\n  "system": }', "inv.json") == [
        "F:2:13: JSON syntax error: Expecting value"
    ]


def test_json_duplicate_key(cli, tmp_path):
    text = '{"sovcheck": 1, "system": {"name": "a", "home": "FR", "home": "DE"}, "components": []}'
    assert bad(cli, tmp_path, text, "inv.json") == ["F:1:55: duplicate key 'home'"]


def test_yaml_duplicate_key(cli, tmp_path):
    text = VALID.replace("  home: FR\n", "  home: FR\n  home: DE\n")
    assert bad(cli, tmp_path, text) == ["F:5:3: duplicate key 'home'"]


def test_several_problems_are_all_reported_in_file_order(cli, tmp_path):
    text = VALID.replace("supplier: ovhcloud", "supplier: ovhclod").replace(
        "runs_on: [cloud]", "runs_on: [nowhere]"
    )
    lines = bad(cli, tmp_path, text)
    assert [line.split(": ")[0] for line in lines] == ["F:11:15", "F:15:15"]
    assert "supplier 'ovhclod' is neither in 'organizations' nor in the catalog" in lines[1]
    assert "(did you mean 'ovhcloud'?)" in lines[1]


def test_kind_specific_field_on_wrong_kind(cli, tmp_path):
    text = VALID.replace("    location: [FR]", "    location: [FR]\n    weights: open")
    assert bad(cli, tmp_path, text) == ["F:17:5: field 'weights' applies to kind model, not cloud"]


def test_parent_loop_is_an_error(cli, tmp_path):
    text = VALID + "organizations:\n  - {id: a, parent: b}\n  - {id: b, parent: a}\n"
    [line] = bad(cli, tmp_path, text)
    assert line == "F:18:21: organizations form a control loop: a -> b -> a"


def test_each_parent_loop_is_reported_once_with_where_it_is_entered(cli, tmp_path):
    orgs = [("f", "c"), ("a", "b"), ("b", "c"), ("c", "a"), ("e", "d"), ("d", "e"), ("g", "f")]
    text = VALID + "organizations:\n" + "".join(f"  - {{id: {o}, parent: {p}}}\n" for o, p in orgs)
    assert bad(cli, tmp_path, text) == [
        "F:19:21: organizations form a control loop: a -> b -> c -> a",
        "F:23:21: organizations form a control loop: d -> e -> d",
    ]


def test_unknown_trust_group(cli, tmp_path):
    text = VALID.replace("trusted: [EU]", "trusted: [EUU]")
    assert bad(cli, tmp_path, text) == [
        "F:5:13: 'EUU' in trusted is neither an ISO 3166-1 alpha-2 code nor a known group "
        "(did you mean 'EU'?)"
    ]


def test_missing_file_and_directory(cli, tmp_path):
    result = cli("audit", tmp_path / "nope.yaml")
    assert result.code == 2
    assert result.err.strip().endswith("nope.yaml: no such file")
    result = cli("validate", tmp_path)
    assert result.code == 2
    assert "is a directory, not a file" in result.err
    result = cli("audit", tmp_path)
    assert result.code == 2
    assert "no inventory (a YAML or JSON file with 'sovcheck: 1') found" in result.err


def test_unquoted_no_is_norway(tmp_path):
    from tests.conftest import load

    loaded = load(write(tmp_path, VALID.replace("location: [FR]", "location: [NO]")))
    assert loaded.inventory.components[1].location == ("NO",)


def test_yaml_12_that_the_c_parser_refuses_still_loads(tmp_path):
    """A URL in a flow sequence is valid YAML 1.2 but not 1.1, which the C parser scans."""
    from tests.conftest import load

    text = VALID.replace(
        "    location: [FR]",
        "    sources: [https://example.org/a, https://example.org/b]\n    location: [FR]",
    )
    loaded = load(write(tmp_path, text))
    cloud = loaded.inventory.components[1]
    assert cloud.sources == ("https://example.org/a", "https://example.org/b")
    assert loaded.locate(("components", 1, "location")).line == 17


def test_yaml_12_syntax_error_after_a_url_in_a_flow_sequence(cli, tmp_path):
    """The YAML 1.2 scanner reads the URL and stops on the next line, where ']' is missing;
    the C parser would stop at the URL's ':' on line 5."""
    text = VALID.replace("trusted: [EU]", "trusted: [https://example.org")
    assert bad(cli, tmp_path, text) == [
        "F:6:17: YAML syntax error: expected ',' or ']', but got ':'"
    ]


def test_dependency_cycle_does_not_hang(cli, tmp_path):
    text = VALID.replace("    location: [FR]", "    location: [FR]\n    depends_on: [app]")
    start = time.perf_counter()
    result = cli("audit", write(tmp_path, text), "--format", "json")
    assert result.code in (0, 1)
    assert time.perf_counter() - start < 10


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--min", "data-securty=70"],
            "--min: unknown objective 'data-securty' (did you mean 'data-security'?)",
        ),
        (["--min", "data-security"], "--min takes OBJECTIVE=N"),
        (["--fail-under", "120"], "--fail-under: 120.0 is outside 0-100"),
        (["--rubric", "defualt"], "no rubric named 'defualt' (did you mean 'default'?)"),
    ],
)
def test_usage_errors_exit_2(cli, tmp_path, args, message):
    result = cli("audit", write(tmp_path, VALID), *args)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err


def test_output_never_overwrites_the_input(cli, tmp_path):
    path = write(tmp_path, VALID)
    result = cli("audit", path, "--output", path)
    assert result.code == 2
    assert "is an input file; sovcheck never overwrites its inputs" in result.err
    assert path.read_text(encoding="utf-8") == VALID


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--output", "{dir}"], "sovcheck: --output {dir} is a directory; name a file"),
        (
            ["--output-format", "sarif={inv}"],
            "sovcheck: --output-format {inv} is an input file; sovcheck never overwrites its inputs",
        ),
        (
            ["--output", "{dir}/r.json", "--output-format", "sarif={dir}/r.json"],
            "sovcheck: --output-format {dir}/r.json is also the file of --output {dir}/r.json; "
            "name another",
        ),
    ],
)
def test_outputs_are_checked_before_anything_is_written(cli, tmp_path, options, message):
    path = write(tmp_path, VALID)
    fill = {"dir": str(tmp_path), "inv": str(path)}
    result = cli("audit", path, *(o.format(**fill) for o in options))
    assert result.code == 2
    assert result.err.splitlines() == [message.format(**fill)]
    assert result.out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inv.yaml"]
    assert path.read_text(encoding="utf-8") == VALID


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_output_to_a_pipe_is_written_not_replaced(cli, tmp_path):
    """-o /dev/stdout or a named pipe: written to; a rename would replace it with a file."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    result = cli("audit", write(tmp_path, VALID), "--format", "json", "--output", pipe)
    reader.join(timeout=20)
    assert result.code in (0, 1)
    assert result.err == ""
    assert pipe.is_fifo()
    assert json.loads(received[0])["report_version"] == 2


def test_suggestions_among_many_ids_match_a_full_comparison():
    from sovcheck.load.validation import Suggester, did_you_mean

    ids = sorted([f"lib-{i:07d}" for i in range(5000)] + ["azure-france", "hospital-records"])
    suggester = Suggester(ids)
    for typo in ("azure-frnace", "hopsital-records", "lib-000042", "lib0004242", "zzzzzz"):
        assert suggester.did_you_mean(typo) == did_you_mean(typo, ids), typo
    assert suggester.did_you_mean("azure-frnace") == " (did you mean 'azure-france'?)"
    assert suggester.did_you_mean("zzzzzz") == ""
