"""The YAML the importer writes: the bytes of ruamel's safe dumper, read back to the same
data by sovcheck's own loader, the header kept as comments."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.representer import SafeRepresenter

from sovcheck.importers import dump_inventory, import_bom
from sovcheck.load.document import parse_document
from sovcheck.load.dump import dump_yaml

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
BOMS = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in {".json", ".xml"})


_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class _Inline(list[Any]):
    pass


def _marked(value: Any) -> Any:
    """What the importer's dumper wrote before: short lists of plain ids on one line."""
    if isinstance(value, dict):
        return {k: _marked(v) for k, v in value.items()}
    if isinstance(value, list):
        plain = all(isinstance(v, str) and _PLAIN.match(v) for v in value)
        if value and len(value) <= 6 and plain and sum(len(v) + 2 for v in value) <= 60:
            return _Inline(value)
        return [_marked(v) for v in value]
    return value


def safe_dumper_text(data: Any, header: str) -> str:
    """The reference: ruamel's safe dumper, configured as the importer configured it."""
    yaml = YAML(typ="safe", pure=False)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 100
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.representer.add_representer(
        _Inline,
        lambda r, d: r.represent_sequence("tag:yaml.org,2002:seq", d, flow_style=True),
    )
    assert isinstance(yaml.representer, SafeRepresenter)
    stream = io.StringIO()
    for line in header.splitlines():
        stream.write(f"# {line}".rstrip() + "\n")
    yaml.dump(_marked(data), stream)
    return "\n".join(line.rstrip(" ") for line in stream.getvalue().split("\n"))


def read_back(text: str) -> Any:
    return parse_document(text.encode("utf-8"), "out.yaml", as_json=False).data


# Text that plain would read back as something else, or that needs quoting or folding.
TRICKY = st.sampled_from(
    [
        "",
        "~",
        "null",
        "Null",
        "true",
        "False",
        "yes",
        "no",
        "on",
        "NO",
        "1",
        "-1",
        "0o17",
        "0x1F",
        "1e3",
        "1_000",
        ".5",
        ".inf",
        "-.Inf",
        ".nan",
        "2026-11-23",
        "12:30",
        "<<",
        "=",
        "- a",
        "a: b",
        "a #b",
        "#x",
        "'q'",
        '"q"',
        "[a]",
        "{a}",
        "@x",
        "`x",
        "!x",
        "&x",
        "*x",
        "%x",
        "|",
        ">",
        "?",
        " lead",
        "trail ",
        "two\nlines",
        "tab\there",
        "é ü 漢",
        "\xa0",  # no-break spaces and other non-ASCII spaces are text, kept at the ends
        "a\xa0",
        "x\u3000",
        "\u2003x",
        "a" * 130,
        "word " * 40,
        "x\u2028y",
        "\x7f",
        "pkg:pypi/x@1.0",
    ]
)
TEXT = st.one_of(TRICKY, st.text(max_size=30))
SCALARS = st.one_of(
    TEXT,
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
# The importer's header is its own text: printable, no control characters.
HEADER = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)
IDS = st.from_regex(r"[a-z0-9][a-z0-9.-]{0,12}", fullmatch=True)
DATA = st.recursive(
    SCALARS | st.lists(IDS, max_size=7),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(data=st.dictionaries(TEXT, DATA, min_size=1, max_size=5), header=HEADER)
def test_bytes_are_the_safe_dumpers_and_read_back_to_the_data(data: Any, header: str) -> None:
    text = dump_yaml(data, header)
    assert text == safe_dumper_text(data, header)
    assert read_back(text) == data


def test_inline_lists_long_text_and_the_header() -> None:
    data = {
        "sovcheck": 1,
        "system": {"name": "app", "trusted": ["EU"], "entrypoints": ["app", "api"]},
        "components": [
            {"id": "a", "uses": [f"lib-{i}" for i in range(7)], "open_source": True},
            {"id": "b", "notes": "word " * 30 + "end", "version": "4.1", "cost": None},
        ],
    }
    text = dump_yaml(data, "Imported by sovcheck.\n\nReview it.")
    assert text.startswith("# Imported by sovcheck.\n#\n# Review it.\nsovcheck: 1\n")
    assert "  trusted: [EU]\n  entrypoints: [app, api]\n" in text
    assert "  uses:\n  - lib-0\n" in text  # seven ids: one per line
    assert "  version: '4.1'\n" in text  # quoted, or it would read back as a number
    assert "  open_source: true\n" in text and "  cost: null\n" in text
    notes = next(line for line in text.splitlines() if line.lstrip().startswith("notes:"))
    assert len(notes) < 110 < len("word " * 30)  # folded near 100 columns
    assert read_back(text) == data


@pytest.mark.skipif(not BOMS, reason=f"the shared BOM corpus is absent (looked in {CORPUS})")
@pytest.mark.parametrize("bom", BOMS, ids=lambda p: p.name)
def test_imported_inventory_is_the_safe_dumpers_text_and_reads_back(bom: Path) -> None:
    data, header = import_bom(bom, system_name=None, home="FR")
    text = dump_inventory(data, header, as_json=False)
    assert text == safe_dumper_text(data, header)
    assert read_back(text) == data
    comments = [line[2:] for line in text.splitlines() if line.startswith("# ")]
    assert comments == [line for line in header.splitlines() if line]
