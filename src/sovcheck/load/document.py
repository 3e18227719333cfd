"""Read a YAML 1.2 or JSON file into plain data plus a map of source positions.

Safety first: the YAML is composed into nodes by ruamel.yaml's safe (C-backed) parser, or
its pure-Python YAML 1.2 scanner for what the C one refuses, and turned into plain dicts,
lists and scalars here; no tag ever constructs an object, and a budget on the expanded
size stops alias bombs ("billion laughs") in milliseconds.

Positions are not copied into the data. A :class:`SourceMap` finds the line and column of
any path (``("components", 3, "kind")``) on demand: from the composed nodes for YAML, from
a lazy scan of the text for JSON. Loading stays close to the parser's own speed.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
import stat
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from ruamel.yaml import YAML
from ruamel.yaml.composer import ComposerError
from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]  # from the C library
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver

from sovcheck.errors import InputError, Location, Problem
from sovcheck.gcpause import paused_gc

PathItem = str | int
DataPath = tuple[PathItem, ...]

MAX_DEPTH = 64
_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels"
_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
_TIMESTAMP, _SEQ, _MAP, _MERGE = (_TAG + t for t in ("timestamp", "seq", "map", "merge"))


class SourceMap(Protocol):
    """Where things are in one input file."""

    file: str

    def locate(self, path: Sequence[PathItem]) -> Location:
        """Position of the value at ``path``, or of its nearest existing ancestor."""
        ...

    def locate_key(self, path: Sequence[PathItem]) -> Location:
        """Position of the mapping key that ends ``path`` (its value for list items)."""
        ...


@dataclass(frozen=True)
class Document:
    """A parsed input file: plain data, where each piece came from, and a digest."""

    path: str
    data: Any
    source_map: SourceMap
    sha256: str
    text: str


# How an input read from standard input (``-`` on the command line) is named.
STDIN = "<stdin>"


# The largest input sovcheck reads (an inventory, a rubric, a BOM, a configuration, waivers,
# a baseline, a saved report): larger files, and whatever is not a regular file (a device
# such as /dev/zero, a FIFO) except standard input given as ``-``, are refused unread.
MAX_INPUT_BYTES = 256 * 1024 * 1024


def read_document(path: str | Path, *, display_name: str | None = None) -> Document:
    """Read and parse ``path`` (YAML unless it ends in ``.json``); ``-`` reads standard
    input, JSON when its text starts with ``{``, else YAML."""
    if str(path) == "-":
        name = display_name or STDIN
        raw = _bounded_read(sys.stdin.buffer, name, MAX_INPUT_BYTES)
        as_json = raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
        return parse_document(raw, name, as_json=as_json)
    name = display_name or str(path)
    raw = read_input(Path(path), name)
    return parse_document(raw, name, as_json=str(path).lower().endswith(".json"))


def read_input(path: Path, name: str, *, max_bytes: int | None = None) -> bytes:
    """The bytes of an input file, or an InputError naming it (missing, a directory, not a
    regular file, unreadable, or larger than ``max_bytes``, whatever its size claims)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            what = "is a directory, not a file" if path.is_dir() else "is not a regular file"
            raise InputError([Problem(Location(name, 1, 1), what)])
        with path.open("rb") as handle:
            return _bounded_read(handle, name, max_bytes or MAX_INPUT_BYTES)
    except IsADirectoryError:
        raise InputError([Problem(Location(name, 1, 1), "is a directory, not a file")]) from None
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as exc:
        raise InputError([Problem(Location(name, 1, 1), f"cannot read: {exc.strerror}")]) from None


def _bounded_read(handle: BinaryIO, name: str, max_bytes: int) -> bytes:
    raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise InputError(
            [Problem(Location(name, 1, 1), f"larger than {max_bytes >> 20} MiB, the input limit")]
        )
    return raw


def parse_document(raw: bytes, name: str, *, as_json: bool) -> Document:
    text = decode_text(raw, name)
    digest = hashlib.sha256(raw).hexdigest()
    if not text.strip():
        raise InputError([Problem(Location(name, 1, 1), "the file is empty")])
    with paused_gc():
        if as_json:
            data, smap = _parse_json(text, name)
        else:
            data, smap = _parse_yaml(text, name)
    if data is None:
        raise InputError([Problem(Location(name, 1, 1), "the file holds no document")])
    return Document(path=name, data=data, source_map=smap, sha256=digest, text=text)


# Byte-order marks, longest first: UTF-32's little-endian mark begins with UTF-16's.
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)


def decode_text(raw: bytes, name: str) -> str:
    """The text of ``raw``: UTF-8 (with or without a byte-order mark), or UTF-16 or UTF-32
    with one (valid JSON, RFC 8259 §8.1 readers may accept); binary or undecodable content
    is an input error with a position."""
    for mark, encoding in _BOMS:
        if raw.startswith(mark):
            try:
                text = raw[len(mark) :].decode(encoding)
            except UnicodeDecodeError as exc:
                decoded = raw[len(mark) : len(mark) + exc.start].decode(encoding, "replace")
                line = decoded.count("\n") + 1
                column = len(decoded) - (decoded.rfind("\n") + 1) + 1
                raise InputError(
                    [
                        Problem(
                            Location(name, line, column),
                            f"not valid {encoding.upper()[:6]} text after its byte-order "
                            "mark; save the file as UTF-8",
                        )
                    ]
                ) from None
            nul = text.find("\x00", 0, 8192)
            if nul >= 0:
                line = text.count("\n", 0, nul) + 1
                column = nul - (text.rfind("\n", 0, nul) + 1) + 1
                raise InputError(
                    [
                        Problem(
                            Location(name, line, column),
                            "this is a binary file, not YAML or JSON text",
                        )
                    ]
                )
            return text
    nul = raw.find(b"\x00", 0, 8192)
    if nul >= 0:
        loc = _byte_location(raw, nul, name)
        raise InputError([Problem(loc, "this is a binary file, not YAML or JSON text")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        loc = _byte_location(raw, exc.start, name)
        raise InputError(
            [Problem(loc, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")]
        ) from None
    return text.removeprefix("\ufeff")


def _byte_location(raw: bytes, offset: int, name: str) -> Location:
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    return Location(name, line, offset - start + 1)


# --------------------------------------------------------------------------- YAML


class _Yaml12Resolver(VersionedResolver):
    """ruamel's YAML 1.2 resolver without its per-scalar version lookup.

    Without a loader the lookup would end at the default (1.2) anyway, through two caught
    AttributeErrors for every scalar.
    """

    @property
    def processing_version(self) -> Any:
        return self._loader_version or (1, 2)


class _Node:
    """A composed YAML node: its resolved tag, its value and where it starts (0-based)."""

    __slots__ = ("column", "line", "tag", "value")

    def __init__(self, tag: str, value: Any, line: int, column: int) -> None:
        self.tag = tag
        self.value = value
        self.line = line
        self.column = column


class _Scalar(_Node):
    __slots__ = ()
    value: str


class _Sequence(_Node):
    __slots__ = ()
    value: list[_Node]


class _Mapping(_Node):
    __slots__ = ()
    value: list[tuple[_Node, _Node]]


class _TooDeep(Exception):
    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column


def _compose(text: str, *, pure: bool) -> _Node | None:
    """The node tree of the single document in ``text``, built from the parser's events.

    ruamel's composers recurse once per level of nesting, and the C one overflows the C
    stack (a segfault) on some tens of thousands of ``[``. This one keeps its own stack and
    stops at the first node nested deeper than :data:`MAX_DEPTH`, whatever the input.
    """
    next_event: Callable[[], Any]
    if pure:
        yaml = YAML(typ="safe", pure=True)
        yaml.Resolver = _Yaml12Resolver
        next_event = iter(yaml.parse(text)).__next__
    else:
        # The C parser alone: ruamel's YAML.parse wraps it in a generator that costs more
        # per event than the parser itself.
        next_event = CParser(text).get_event
    resolve = _Yaml12Resolver().resolve
    plain_tags: dict[str, str] = {}  # the tag of a plain scalar depends on its text alone
    anchors: dict[Any, _Node] = {}
    stack: list[_Node] = []
    keys: list[_Node | None] = []  # per open mapping, the key waiting for its value
    root: _Node | None = None
    documents = 0
    while True:
        event = next_event()
        kind = type(event)
        node: _Node
        if kind is ScalarEvent:
            mark = event.start_mark
            if len(stack) > MAX_DEPTH:
                raise _TooDeep(mark.line, mark.column)
            value = event.value
            ctag = event.ctag
            if ctag is None and event.implicit[0]:
                tag = plain_tags.get(value)
                if tag is None:
                    tag = plain_tags[value] = str(resolve(ScalarNode, value, event.implicit))
            elif ctag is None or str(ctag) == "!":
                tag = str(resolve(ScalarNode, value, event.implicit))
            else:
                tag = str(ctag)
            node = _Scalar(tag, value, mark.line, mark.column)
            if event.anchor is not None:
                anchors[event.anchor] = node
        elif kind is SequenceStartEvent or kind is MappingStartEvent:
            mark = event.start_mark
            if len(stack) > MAX_DEPTH:
                raise _TooDeep(mark.line, mark.column)
            ctag = event.ctag
            if kind is SequenceStartEvent:
                tag = _SEQ if ctag is None or str(ctag) == "!" else str(ctag)
                node = _Sequence(tag, [], mark.line, mark.column)
            else:
                tag = _MAP if ctag is None or str(ctag) == "!" else str(ctag)
                node = _Mapping(tag, [], mark.line, mark.column)
            if event.anchor is not None:
                anchors[event.anchor] = node
            stack.append(node)
            keys.append(None)
            continue
        elif kind is SequenceEndEvent or kind is MappingEndEvent:
            node = stack.pop()
            keys.pop()
        elif kind is AliasEvent:
            found = anchors.get(event.anchor)
            if found is None:
                raise ComposerError(
                    None, None, f"found undefined alias {event.anchor!r}", event.start_mark
                )
            node = found
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise ComposerError(
                    "expected a single document in the stream",
                    None,
                    "but found another document",
                    event.start_mark,
                )
            anchors = {}
            continue
        elif kind is StreamEndEvent:
            break
        else:
            continue
        if not stack:
            root = node
        elif type(stack[-1]) is _Sequence:
            stack[-1].value.append(node)
        else:
            key = keys[-1]
            if key is None:
                keys[-1] = node
            else:
                stack[-1].value.append((key, node))
                keys[-1] = None
    return root


def _parse_yaml(text: str, name: str) -> tuple[Any, SourceMap]:
    try:
        try:
            root = _compose(text, pure=False)
        except MarkedYAMLError as c_error:
            # The C parser scans YAML 1.1: it refuses a ':' inside a plain scalar in a flow
            # collection, valid YAML 1.2 (``sources: [https://example.org]``). ruamel's
            # own scanner reads 1.2, five times slower: on that refusal alone, it decides.
            if c_error.problem != "found unexpected ':'":
                raise
            root = _compose(text, pure=True)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        if "expected a single document" in str(exc):
            what = "the file holds more than one YAML document; keep one"
        raise InputError(
            [Problem(Location(name, line, col), f"YAML syntax error: {what}")]
        ) from None
    except YAMLError as exc:
        raise InputError([Problem(Location(name, 1, 1), f"YAML syntax error: {exc}")]) from None
    except _TooDeep as deep:
        raise InputError(
            [Problem(Location(name, deep.line + 1, deep.column + 1), _TOO_DEEP)]
        ) from None
    if root is None:
        return None, _YamlSourceMap(name, None)
    converter = _NodeConverter(name, budget=2 * len(text) + 10_000)
    data = converter.convert(root, 0)
    return data, _YamlSourceMap(name, root)


class _NodeConverter:
    """Turns composed YAML nodes into plain Python data, refusing anything that is not data."""

    def __init__(self, name: str, budget: int) -> None:
        self.name = name
        self.budget = budget
        self.used = 0
        self.memo: dict[int, tuple[Any, int]] = {}

    def fail(self, node: _Node, message: str) -> InputError:
        return InputError([Problem(Location(self.name, node.line + 1, node.column + 1), message)])

    def convert(self, node: _Node, depth: int) -> Any:
        if isinstance(node, _Scalar):
            # A scalar costs 1 whether it is new or an alias: no need to remember it.
            if depth > MAX_DEPTH:
                raise self.fail(node, _TOO_DEEP)
            self._charge(node, 1)
            return self._scalar(node)
        key = id(node)
        seen = self.memo.get(key)
        if seen is not None:
            # An alias: share the value, but charge its full expanded size to the budget.
            value, size = seen
            self._charge(node, size)
            return value
        start = self.used
        value = self._convert_new(node, depth)
        self.memo[key] = (value, self.used - start)
        return value

    def _charge(self, node: _Node, size: int) -> None:
        self.used += size
        if self.used > self.budget:
            raise self.fail(
                node,
                "aliases expand this document far beyond its size (an alias bomb?); "
                "sovcheck stops here",
            )

    def _convert_new(self, node: _Node, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail(node, _TOO_DEEP)
        self._charge(node, 1)
        if isinstance(node, _Scalar):
            return self._scalar(node)
        if isinstance(node, _Sequence):
            if node.tag != _SEQ:
                raise self._bad_tag(node)
            return [self.convert(item, depth + 1) for item in node.value]
        if isinstance(node, _Mapping):
            if node.tag != _MAP:
                raise self._bad_tag(node)
            return self._mapping(node, depth)
        raise self.fail(node, "unsupported YAML node")

    def _mapping(self, node: _Mapping, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_tag = key_node.tag
            if key_tag == _MERGE:
                # YAML's merge key: a key of the mapping itself wins over a merged one,
                # and of the merged mappings, the first one that has a key gives its value.
                for source in self._merge_sources(value_node):
                    for k, v in self.convert(source, depth + 1).items():
                        merged.setdefault(k, v)
                continue
            if key_tag != _STR or not isinstance(key_node, _Scalar):
                raise self.fail(key_node, "a mapping key must be plain text")
            key = key_node.value
            if key in result:
                raise self.fail(key_node, f"duplicate key '{key}'")
            result[key] = self.convert(value_node, depth + 1)
        if merged:
            return {**merged, **result}
        return result

    def _merge_sources(self, node: _Node) -> list[_Node]:
        if isinstance(node, _Mapping):
            return [node]
        if isinstance(node, _Sequence) and all(isinstance(n, _Mapping) for n in node.value):
            return list(node.value)
        raise self.fail(node, "a merge key (<<) takes a mapping or a list of mappings")

    def _scalar(self, node: _Scalar) -> Any:
        tag = node.tag
        value: str = node.value
        if tag == _STR:
            return value
        if tag == _INT:
            try:
                return _yaml_int(value)
            except ValueError:
                raise self.fail(node, _int_problem(value)) from None
        if tag == _FLOAT:
            try:
                return _yaml_float(value)
            except ValueError:
                raise self.fail(node, f"'{_excerpt(value)}' is not a number") from None
        if tag == _BOOL:
            if value.lower() not in ("true", "false"):
                raise self.fail(node, f"'{_excerpt(value)}' is not true or false")
            return value.lower() == "true"
        if tag == _NULL:
            return None
        if tag == _TIMESTAMP:
            return value  # dates stay text; the models parse them
        raise self._bad_tag(node)

    def _bad_tag(self, node: _Node) -> InputError:
        tag = str(node.tag).replace(_TAG, "!!")
        return self.fail(
            node,
            f"YAML tag '{tag}' is not allowed: sovcheck reads plain data and constructs no objects",
        )


def _excerpt(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _int_problem(text: str) -> str:
    """Why ``text`` (tagged or resolved as an integer) cannot be read as one."""
    digits = sum(c.isdigit() for c in text)
    limit = sys.get_int_max_str_digits()
    if limit and digits > limit and re.fullmatch(r"[-+]?[0-9_]+", text):
        return f"an integer of {digits:,} digits; sovcheck reads at most {limit:,}"
    return f"'{_excerpt(text)}' is not an integer"


def _yaml_int(text: str) -> int:
    t = text.replace("_", "")
    sign = -1 if t.startswith("-") else 1
    t = t.lstrip("+-")
    if t.startswith(("0o", "0O")):
        return sign * int(t[2:], 8)
    if t.startswith(("0x", "0X")):
        return sign * int(t[2:], 16)
    if t.startswith(("0b", "0B")):
        return sign * int(t[2:], 2)
    return sign * int(t, 10)


def _yaml_float(text: str) -> float:
    t = text.replace("_", "").lower()
    if t.endswith(".inf"):
        return float("-inf") if t.startswith("-") else float("inf")
    if t.endswith(".nan"):
        return float("nan")
    return float(t)


class _YamlSourceMap:
    def __init__(self, file: str, root: _Node | None) -> None:
        self.file = file
        self._root = root

    def _walk(self, path: Sequence[PathItem]) -> tuple[_Node | None, _Node | None]:
        """The deepest value node reached along ``path`` and the key node naming it."""
        node = self._root
        key_node: _Node | None = None
        for item in path:
            if isinstance(node, _Mapping) and isinstance(item, str):
                for k, v in node.value:
                    if isinstance(k, _Scalar) and k.value == item:
                        key_node, node = k, v
                        break
                else:
                    return node, key_node
            elif isinstance(node, _Sequence) and isinstance(item, int):
                if 0 <= item < len(node.value):
                    key_node, node = None, node.value[item]
                else:
                    return node, key_node
            else:
                return node, key_node
        return node, key_node

    def _loc(self, node: _Node | None) -> Location:
        if node is None:
            return Location(self.file, 1, 1)
        return Location(self.file, node.line + 1, node.column + 1)

    def locate(self, path: Sequence[PathItem]) -> Location:
        node, _ = self._walk(path)
        return self._loc(node)

    def locate_key(self, path: Sequence[PathItem]) -> Location:
        node, key = self._walk(path)
        return self._loc(key if key is not None else node)


# --------------------------------------------------------------------------- JSON


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _pairs_to_dict(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _parse_json(text: str, name: str) -> tuple[Any, SourceMap]:
    smap = _JsonSourceMap(name, text)
    try:
        data = json.loads(text, object_pairs_hook=_pairs_to_dict, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            [Problem(Location(name, exc.lineno, exc.colno), f"JSON syntax error: {exc.msg}")]
        ) from None
    except (_DuplicateKey, ValueError, RecursionError) as exc:
        # Deep nesting is the first thing to say: the positions below are looked for in
        # the first MAX_DEPTH levels only.
        _check_json_depth(text, smap)
        if isinstance(exc, _DuplicateKey):
            loc = smap.find_duplicate(exc.key)
            raise InputError([Problem(loc, f"duplicate key '{exc.key}'")]) from None
        raise InputError([_json_value_problem(text, smap, exc)]) from None
    _check_json_depth(text, smap)
    if _SURROGATE_ESCAPE.search(text):
        _check_surrogates(data, smap)
    return data, smap


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST = re.compile(r"\[\]|\{\}")
_JSON_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[{]|[\]}]')
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _check_json_depth(text: str, smap: _JsonSourceMap) -> None:
    """An error at the first container nested deeper than MAX_DEPTH, if there is one.

    Innermost pairs of brackets are removed MAX_DEPTH + 1 times, at the regular expression
    engine's speed; brackets left over mean deeper nesting, located by a slower scan.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    for _ in range(MAX_DEPTH + 1):
        brackets, removed = _INNERMOST.subn("", brackets)
        if not brackets or not removed:
            return
    depth = 0
    for match in _JSON_BRACKET.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH + 1:
                raise InputError([Problem(smap.offset_location(match.start()), _TOO_DEEP)])
        elif token in "]}":
            depth -= 1


_JSON_NUMBER_OR_CONSTANT = re.compile(
    r'"[^"\\]*(?:\\.[^"\\]*)*"|(-?(?:NaN|Infinity))|(-?[0-9]{'
    + str(sys.get_int_max_str_digits() + 1)
    + r",})(?![.eE0-9])"
)


def _json_value_problem(text: str, smap: _JsonSourceMap, exc: Exception) -> Problem:
    """Where the value the JSON decoder refused is: NaN, Infinity, or too many digits."""
    for match in _JSON_NUMBER_OR_CONSTANT.finditer(text):
        constant, digits = match.group(1), match.group(2)
        if constant is not None:
            where = smap.offset_location(match.start())
            return Problem(where, f"JSON syntax error: {constant} is not valid JSON")
        if digits is not None:
            where = smap.offset_location(match.start())
            count = len(digits.lstrip("-"))
            limit = sys.get_int_max_str_digits()
            return Problem(
                where, f"an integer of {count:,} digits; sovcheck reads at most {limit:,}"
            )
    return Problem(Location(smap.file, 1, 1), f"JSON syntax error: {exc}")


def _check_surrogates(data: Any, smap: _JsonSourceMap) -> None:
    """A located error at the first text holding half of a UTF-16 pair (``"\\ud800"``)."""
    stack: list[tuple[DataPath, Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise InputError([Problem(smap.locate(path), _SURROGATE_PROBLEM)])
        elif isinstance(value, dict):
            for key in reversed(list(value)):
                if _SURROGATE.search(key):
                    raise InputError([Problem(smap.locate_key((*path, key)), _SURROGATE_PROBLEM)])
                stack.append(((*path, key), value[key]))
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(value))))


_SURROGATE_PROBLEM = (
    "a \\u escape names half of a UTF-16 surrogate pair, which is no character; "
    "this is not valid Unicode text"
)


_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class _JsonSourceMap:
    """Positions in JSON text, found by a scan made the first time one is asked for.

    The scan records containers and keys down to ``depth`` levels and skips deeper values
    with the C decoder, so that it stays fast on large files.
    """

    def __init__(self, file: str, text: str, depth: int = 4, *, strict: bool = False) -> None:
        self.file = file
        self._strict = strict
        self._text = text
        self._depth = depth
        # The first scan stops at the items of top-level lists (what findings point at,
        # e.g. components[i]); the inside of one item is scanned when a path into it is
        # asked for. A duplicate-key search scans everything at once.
        self._shallow = depth if strict else min(depth, 2)
        self._expanded: set[DataPath] = set()
        self._values: dict[DataPath, int] | None = None
        self._keys: dict[DataPath, int] = {}
        self._lines: list[int] | None = None  # offsets where lines start, after the first

    def offset_location(self, offset: int) -> Location:
        if self._lines is None:
            # Once: a minified file has no newline, and its empty list must not mean "not yet".
            self._lines = [m.end() for m in re.finditer("\n", self._text)]
        line = bisect.bisect_right(self._lines, offset)
        start = self._lines[line - 1] if line else 0
        return Location(self.file, line + 1, offset - start + 1)

    def _scan(self, path: DataPath = ()) -> dict[DataPath, int]:
        """Offsets known so far, with those down to ``path`` (within ``depth``) added."""
        if self._values is None:
            self._values = {}
            pos = _WS.match(self._text, 0).end()  # type: ignore[union-attr]
            self._scan_from(pos, (), 0, self._shallow)
        if len(path) > self._shallow:
            item = path[: self._shallow]
            if item not in self._expanded and item in self._values:
                self._expanded.add(item)
                self._scan_from(self._values[item], item, self._shallow, self._depth)
        return self._values

    def _scan_from(self, pos: int, path: DataPath, depth: int, limit: int) -> None:
        try:
            self._scan_value(pos, path, depth, limit)
        except _DuplicateAt:
            raise
        except (ValueError, IndexError):
            pass  # positions are best effort; the parser reports syntax errors

    def _scan_value(self, pos: int, path: DataPath, depth: int, limit: int) -> int:
        assert self._values is not None
        self._values[path] = pos
        text = self._text
        ch = text[pos]
        if depth >= limit or ch not in "{[":
            _, end = _DECODER.raw_decode(text, pos)
            return int(end)
        if ch == "{":
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            if text[pos] == "}":
                return pos + 1
            while True:
                key_pos = pos
                key, pos = _DECODER.raw_decode(text, pos)
                if self._strict and (*path, key) in self._keys:
                    raise _DuplicateAt(key_pos)
                self._keys[(*path, key)] = key_pos
                pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
                pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]  # ':'
                pos = self._scan_value(pos, (*path, key), depth + 1, limit)
                pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
                if text[pos] == "}":
                    return pos + 1
                pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]  # ','
        pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
        if text[pos] == "]":
            return pos + 1
        index = 0
        while True:
            pos = self._scan_value(pos, (*path, index), depth + 1, limit)
            pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
            if text[pos] == "]":
                return pos + 1
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            index += 1

    def locate(self, path: Sequence[PathItem]) -> Location:
        p = tuple(path)
        values = self._scan(p)
        while p and p not in values:
            p = p[:-1]
        return self.offset_location(values.get(p, 0))

    def locate_key(self, path: Sequence[PathItem]) -> Location:
        p = tuple(path)
        self._scan(p)
        if p in self._keys:
            return self.offset_location(self._keys[p])
        return self.locate(p)

    def find_duplicate(self, key: str) -> Location:
        """Where a key appears for the second time in one object."""
        deep = _JsonSourceMap(self.file, self._text, depth=MAX_DEPTH + 2, strict=True)
        try:
            deep._scan()
        except _DuplicateAt as dup:
            return self.offset_location(dup.offset)
        return Location(self.file, 1, 1)


class _DuplicateAt(Exception):
    def __init__(self, offset: int) -> None:
        self.offset = offset
