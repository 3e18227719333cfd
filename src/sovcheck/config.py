"""Project configuration, the way scanners keep theirs: ``.sovcheck.yaml`` or
``[tool.sovcheck]`` in ``pyproject.toml``.

Found from the working directory upwards, stopping at the repository root (the directory
holding ``.git``): the first directory with either file wins, ``.sovcheck.yaml`` before
``pyproject.toml`` (a ``pyproject.toml`` without ``[tool.sovcheck]`` does not count).
``--config FILE`` names one; ``--no-config`` ignores them. Keys are the audit's option
names; an option given on the command line wins over the file. Paths in the file
(rubric files, baseline, waivers, outputs) are relative to the file's directory.

Errors are located like an inventory's: file, line and column.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sovcheck.errors import InputError, Location, Problem
from sovcheck.load.document import PathItem, SourceMap, read_document, read_input
from sovcheck.load.validation import problems_from, validate_model
from sovcheck.model.rubric import Severity

YAML_NAMES = (".sovcheck.yaml", ".sovcheck.yml")
PYPROJECT = "pyproject.toml"

Score = Annotated[float, Field(ge=0, le=100)]


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class Config(BaseModel):
    """What a configuration file may set (every key optional)."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=_kebab,
        populate_by_name=False,
        allow_inf_nan=False,
    )

    rubric: str | None = None
    format: str | None = None
    output_format: dict[str, str] = Field(default_factory=dict)
    fail_under: Score | None = None
    min: dict[str, Score] = Field(default_factory=dict)
    min_level: dict[str, int | str] = Field(default_factory=dict)
    fail_on: Severity | None = None
    # a severity, or "none" for no gate on new findings
    fail_on_new: Severity | Literal["none"] | None = None
    baseline: str | None = None
    waivers: str | None = None
    severity: Severity | None = None
    soft_fail: bool = False
    show_passed: bool = False
    max_fact_age: int | None = Field(default=None, ge=0)
    sarif_max_results: int | None = Field(default=None, ge=0)


@dataclass(frozen=True)
class LoadedConfig:
    config: Config
    path: Path  # the file it came from
    display: str  # the same, as messages name it
    source_map: SourceMap

    def problem(self, key: Sequence[PathItem], message: str) -> InputError:
        """An error about the value at ``key``, located in the file."""
        return InputError([Problem(self.source_map.locate_key(key), message)])

    def resolve(self, value: str) -> Path:
        """A path written in the file, relative to the file's directory."""
        path = Path(value)
        return path if path.is_absolute() else self.path.parent / path

    def resolve_rubric(self, value: str) -> str:
        """A rubric: a shipped id stays an id, a file path is made relative to the file."""
        if "/" in value or "\\" in value or value.endswith((".yaml", ".yml", ".json")):
            return str(self.resolve(value))
        return value


def find(start: Path) -> Path | None:
    """The configuration file that applies in ``start``, if any."""
    here = start.resolve()
    for directory in (here, *here.parents):
        for name in YAML_NAMES:
            if (directory / name).is_file():
                return directory / name
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
        if (directory / ".git").exists():
            return None
    return None


_TOOL_TABLE = re.compile(r"^\s*\[\s*tool\s*\.\s*sovcheck\b", re.MULTILINE)


def _has_tool_table(path: Path) -> bool:
    try:
        text = read_input(path, str(path)).decode("utf-8", errors="replace")
    except InputError:
        return False
    return _TOOL_TABLE.search(text) is not None


def load(path: Path, display: str | None = None) -> LoadedConfig:
    name = display or str(path)
    if path.name == PYPROJECT or path.suffix == ".toml":
        config, smap = _load_toml(path, name)
        return LoadedConfig(config, path, name, smap)
    doc = read_document(path, display_name=name)
    if not isinstance(doc.data, dict):
        raise InputError(
            [Problem(Location(name, 1, 1), "a configuration file is a mapping of options")]
        )
    return LoadedConfig(validate_model(doc, Config), path, name, doc.source_map)


def discover(start: Path, explicit: Path | None, *, disabled: bool) -> LoadedConfig | None:
    if disabled:
        return None
    if explicit is not None:
        return load(explicit)
    found = find(start)
    if found is None:
        return None
    try:
        display = str(found.relative_to(start.resolve()))
    except ValueError:
        display = str(found)
    return load(found, display)


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def _load_toml(path: Path, name: str) -> tuple[Config, _TomlMap]:
    text = read_input(path, name).decode("utf-8", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_POSITION.search(message)
        line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
        message = _TOML_POSITION.sub("", message).strip()
        raise InputError([Problem(Location(name, line, column), message)]) from None
    table: Any = data.get("tool", {}).get("sovcheck")
    smap = _TomlMap(name, text)
    if not isinstance(table, dict):
        raise InputError([Problem(smap.locate(()), "[tool.sovcheck] is a table of options")])
    try:
        return Config.model_validate(table), smap
    except ValidationError as exc:
        raise InputError(problems_from(exc, Config, smap)) from None


class _TomlMap:
    """Positions in a ``[tool.sovcheck]`` table, found by a scan of the text: the line of
    the key (``key =``, or a ``[tool.sovcheck.key]`` table), and of a nested key on it or
    below it."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.lines = text.splitlines()

    def _find(self, pattern: re.Pattern[str], start: int) -> tuple[int, int] | None:
        for i in range(start, len(self.lines)):
            if i > start and re.match(r"^\s*\[(?!\s*tool\s*\.\s*sovcheck\b)", self.lines[i]):
                return None
            found = pattern.search(self.lines[i])
            if found is not None:
                return i, found.start(1)
        return None

    def locate_key(self, path: Sequence[PathItem]) -> Location:
        header = self._find(re.compile(r"^\s*(\[)\s*tool\s*\.\s*sovcheck\s*[\].]"), 0)
        if header is None:
            return Location(self.file, 1, 1)
        line, column = header
        for item in path:
            if not isinstance(item, str):
                break
            key = re.escape(item)
            found = self._find(re.compile(rf'(?:^|[\s{{,.])("?{key}"?)\s*(?:=|\])'), line)
            if found is None:
                break
            line, column = found
        return Location(self.file, line + 1, column + 1)

    def locate(self, path: Sequence[PathItem]) -> Location:
        return self.locate_key(path)
