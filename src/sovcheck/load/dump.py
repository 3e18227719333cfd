"""Write plain data as readable YAML 1.2, with a comment header.

Used by the BOM importer: the inventory it writes is meant to be read, reviewed and edited
by a person, so mappings keep their order, short lists of plain values stay on one line
and long text is folded at a readable width.

The text is written by the C emitter of ruamel.yaml.clib (libyaml), fed the events of the
document directly. ruamel's safe dumper feeds the same emitter, but through its Python
representer and tag objects: about 0.5 ms a component, more than all the rest of an import.
Here a scalar costs a dictionary look-up and one ``emit``: the bytes are those the safe
dumper writes (tests/test_dump.py compares them), with one exception: a list or mapping
that appears twice in the data is written twice, where the dumper would write an anchor
and an alias; the importer builds no such data. The header is written as comment lines
before the document.
"""

from __future__ import annotations

import io
import re
from typing import Any

from ruamel.yaml.cyaml import CEmitter  # type: ignore[attr-defined]  # re-exported from the C library
from ruamel.yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from ruamel.yaml.representer import SafeRepresenter
from ruamel.yaml.resolver import Resolver

_FLOW_MAX = 6  # lists of at most this many short values are written on one line
_FLOW_WIDTH = 60
_WIDTH = 100
# Values written inside [ ] without quotes, whatever the emitter would decide.
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

_TAG = "tag:yaml.org,2002:"
# The implicit resolvers of ruamel's safe dumper, by first character: text starting with
# any other character can only be read back as text, so it may be written plain.
_IMPLICIT: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    str(first): [(str(tag), regexp) for tag, regexp in resolvers]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}
assert None not in Resolver.yaml_implicit_resolvers, "a resolver for every first character"
_PATTERNS = {first: tuple(regexp for _, regexp in found) for first, found in _IMPLICIT.items()}


def dump_yaml(data: Any, header: str) -> str:
    """``data`` as YAML, preceded by ``header`` as ``#`` comment lines."""
    stream = io.StringIO()
    for line in header.splitlines():
        stream.write(f"# {line}".rstrip() + "\n")
    emitter = CEmitter(stream, width=_WIDTH, allow_unicode=True)
    emit = emitter.emit
    emit(StreamStartEvent())
    emit(DocumentStartEvent(explicit=False))
    _Writer(emit).node(data)
    emit(DocumentEndEvent(explicit=False))
    emit(StreamEndEvent())
    # The emitter may leave a space at the end of a folded line; folding drops it on reading.
    # Spaces only: a no-break space ending a plain value is part of the value.
    return "\n".join(line.rstrip(" ") for line in stream.getvalue().split("\n"))


class _Writer:
    """Emits the events of plain data (dicts, lists and tuples, text, numbers, booleans,
    None). libyaml copies each event as it is emitted, so one event object of each shape
    is reused, its value changed."""

    def __init__(self, emit: Any) -> None:
        self.emit = emit
        self.plain_text = ScalarEvent(None, _TAG + "str", (True, True), "")
        self.quoted_text = ScalarEvent(None, _TAG + "str", (False, True), "")
        self.block_list = SequenceStartEvent(None, _TAG + "seq", True, flow_style=False)
        self.flow_list = SequenceStartEvent(None, _TAG + "seq", True, flow_style=True)
        self.list_end = SequenceEndEvent()
        self.mapping = MappingStartEvent(None, _TAG + "map", True, flow_style=False)
        self.mapping_end = MappingEndEvent()
        self.representer = SafeRepresenter()

    def node(self, value: Any) -> None:
        # Text, by far the most common value, is written without a call of node() of its
        # own: this runs for every value of the inventory.
        text = self.text
        if type(value) is str:
            text(value)
        elif isinstance(value, dict):
            self.emit(self.mapping)
            node = self.node
            for key, item in value.items():
                text(key) if type(key) is str else node(key)
                text(item) if type(item) is str else node(item)
            self.emit(self.mapping_end)
        elif isinstance(value, list | tuple):
            self.emit(self.flow_list if _inline(value) else self.block_list)
            node = self.node
            for item in value:
                text(item) if type(item) is str else node(item)
            self.emit(self.list_end)
        elif isinstance(value, str):
            text(str(value))
        else:
            self.other(value)

    def text(self, value: str) -> None:
        event = self.plain_text
        patterns = _PATTERNS.get(value[:1])
        if patterns is not None:
            for regexp in patterns:
                if regexp.match(value):
                    event = self.quoted_text  # plain, it would read back as a number...
                    break
        event.value = value
        self.emit(event)

    def other(self, value: Any) -> None:
        """A number, boolean or None, as the safe representer writes it."""
        node = self.representer.represent_data(value)
        tag = str(node.tag)
        resolvers = _IMPLICIT.get(node.value[:1], [])
        resolved = next((t for t, regexp in resolvers if regexp.match(node.value)), _TAG + "str")
        self.emit(ScalarEvent(None, tag, (resolved == tag, tag == _TAG + "str"), node.value))


def _inline(value: list[Any] | tuple[Any, ...]) -> bool:
    """A list of a few short plain values, written as ``[a, b]``."""
    return (
        0 < len(value) <= _FLOW_MAX
        and all(isinstance(v, str) and _PLAIN.match(v) for v in value)
        and sum(len(v) + 2 for v in value) <= _FLOW_WIDTH
    )
