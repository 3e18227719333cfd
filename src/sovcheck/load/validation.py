"""Turn plain data into pydantic models, and pydantic's errors into positioned messages.

Every message names the file, line and column; a misspelt field gets the closest valid one.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from sovcheck.errors import InputError, Problem
from sovcheck.gcpause import paused_gc
from sovcheck.load.document import Document, PathItem, SourceMap

M = TypeVar("M", bound=BaseModel)


def validate_model(
    doc: Document, model: type[M], data: Any | None = None, prefix: Sequence[PathItem] = ()
) -> M:
    """Validate ``data`` (default: the whole document; else the part of it at ``prefix``)
    as ``model``, or raise InputError."""
    try:
        with paused_gc():
            return model.model_validate(doc.data if data is None else data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, model, doc.source_map, prefix)) from None


def problems_from(
    exc: ValidationError, model: type[BaseModel], smap: SourceMap, prefix: Sequence[PathItem] = ()
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[PathItem, ...]] = set()
    errors = []
    for err in exc.errors(include_url=False):
        loc = tuple(item for item in err["loc"] if isinstance(item, (str, int)))
        # pydantic reports unions and Annotated types under extra loc steps (e.g. 'str',
        # 'function-after[...]'); keep only the steps that exist in the data.
        errors.append((err, _data_path(model, loc)))
    # A list whose items are invalid is also reported as too short (its valid items are
    # fewer than its minimum): the items' own problems say what is wrong, that one not.
    inside = {loc[:i] for _, loc in errors for i in range(len(loc))}
    for err, loc in errors:
        if err["type"] == "too_short" and loc in inside:
            continue
        full = (*prefix, *loc)
        if full in seen:
            continue
        seen.add(full)
        problems.append(_problem(err, model, loc, full, smap))
    return problems


def _data_path(model: type[BaseModel], loc: tuple[PathItem, ...]) -> tuple[PathItem, ...]:
    path: list[PathItem] = []
    current: Any = model
    for item in loc:
        if isinstance(item, int):
            path.append(item)
            current = _item_type(current)
            continue
        current = _unwrap(current)  # an optional nested record or mapping
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(item)
            path.append(item)
            current = field.annotation if field is not None else None
            continue
        if current is dict or typing.get_origin(current) is dict:
            path.append(item)
            current = None
            continue
        # a union/validator step, not a data key
    return tuple(path)


def _item_type(tp: Any) -> Any:
    tp = _unwrap(tp)
    args = typing.get_args(tp)
    return _unwrap(args[0]) if args else None


def _unwrap(tp: Any) -> Any:
    """Strip Optional[...] and Annotated[...] to reach the model or container type."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            return models[0] if models else tp
        return tp


def _model_at(model: type[BaseModel], path: tuple[PathItem, ...]) -> type[BaseModel] | None:
    current: Any = model
    for item in path:
        current = _unwrap(current)
        if isinstance(item, int):
            current = _item_type(current)
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(item)
            if field is None:
                return None
            current = field.annotation
        else:
            return None
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def closest(word: str, options: Sequence[str]) -> str | None:
    match = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return match[0] if match else None


def did_you_mean(word: str, options: Sequence[str]) -> str:
    match = closest(word, options)
    return f" (did you mean '{match}'?)" if match else ""


class Suggester:
    """``did_you_mean`` over ids that may number in the hundreds of thousands.

    difflib compares a word with every option, some milliseconds per word for a thousand
    options, so thousands of dangling references took minutes. Beyond ``SMALL`` options,
    the word is compared only with the options that share its rarest three-letter pieces
    (a typo leaves most pieces of a word intact), and of those, difflib ranks only the
    ``FINALISTS`` that share the most pieces with it. The index is built on the first call.
    """

    SMALL = 40
    SHORTLIST = 300
    FINALISTS = 12

    def __init__(self, options: Sequence[str]) -> None:
        self.options = options
        self._pieces: dict[str, list[str]] | None = None
        self._of: dict[str, frozenset[str]] = {}

    def did_you_mean(self, word: str) -> str:
        if len(self.options) <= self.SMALL:
            return did_you_mean(word, self.options)
        if self._pieces is None:
            self._pieces = {}
            for option in self.options:
                self._of[option] = frozenset(_pieces(option))
                for piece in self._of[option]:
                    self._pieces.setdefault(piece, []).append(option)
        index = self._pieces
        shortlist: dict[str, None] = {}
        pieces = _pieces(word)
        for piece in sorted(pieces, key=lambda p: (len(index.get(p, ())), p)):
            for option in index.get(piece, ())[: self.SHORTLIST]:
                shortlist[option] = None
            if len(shortlist) >= self.SHORTLIST:
                break
        finalists = sorted(shortlist, key=lambda o: (-len(pieces & self._of[o]), o))
        return did_you_mean(word, sorted(finalists[: self.FINALISTS]))


def _pieces(word: str) -> set[str]:
    padded = f" {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _where(path: tuple[PathItem, ...]) -> str:
    return "".join(
        f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(path)
    )


def _problem(
    err: Any,
    model: type[BaseModel],
    loc: tuple[PathItem, ...],
    full: tuple[PathItem, ...],
    smap: SourceMap,
) -> Problem:
    kind = err["type"]
    field = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        options = sorted(parent.model_fields) if parent else []
        message = f"unknown field '{field}'{did_you_mean(str(field), options)}"
        return Problem(smap.locate_key(full), message)
    if kind == "missing":
        return Problem(smap.locate(full[:-1]), f"missing required field '{field}'")
    location = smap.locate(full)
    got = err.get("input")
    if kind == "enum":
        expected = err.get("ctx", {}).get("expected", "")
        options = [o.strip().strip("'") for o in expected.replace(" or ", ", ").split(",")]
        label = str(field) if isinstance(field, str) else "value"
        return Problem(
            location,
            f"unknown {label} '{got}'{did_you_mean(str(got), options)}; expected one of {expected}",
        )
    if kind == "string_pattern_mismatch":
        return Problem(
            location,
            f"'{got}' is not a valid id: use lowercase letters, digits and '-', '_', '.', ':'",
        )
    if kind in ("tuple_type", "list_type"):
        return Problem(location, f"'{_where(loc)}' must be a list, e.g. [{got}]")
    if kind == "too_short" and field == "components":
        return Problem(location, "no components: an inventory needs at least one component")
    if kind == "finite_number":
        return Problem(location, f"'{_where(loc)}' must be a finite number, not {got}")
    if kind == "value_error":
        return Problem(location, str(err["msg"]).removeprefix("Value error, "))
    return Problem(location, f"'{_where(loc)}': {err['msg']}")
