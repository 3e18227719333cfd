"""The choices of command-line options whose home module is slow to import.

typer reads every command's options when it builds the command line, before it knows which
command runs, so the enums they name are imported by ``sovcheck --help`` too. They live
here, where importing them costs nothing; their home modules re-export them.
"""

from __future__ import annotations

from enum import StrEnum


# How much a failing finding matters, lowest first (re-exported by model.rubric). No
# docstring: it would become the description of every JSON Schema that names it.
class Severity(StrEnum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {severity: rank for rank, severity in enumerate(Severity)}


class GraphFormat(StrEnum):
    """``sovcheck graph --format`` (re-exported by formats.svg_graph)."""

    SVG = "svg"
    DOT = "dot"
    MERMAID = "mermaid"


class PortfolioFormat(StrEnum):
    """``sovcheck portfolio --format`` (re-exported by portfolio.render)."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    HTML = "html"


# ``--report-version``: the JSON report's versions (re-exported by formats.json_report).
REPORT_VERSIONS = (1, 2)
LATEST_REPORT_VERSION = 2
