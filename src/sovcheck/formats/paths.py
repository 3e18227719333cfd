"""Where an inventory file sits, as CI consumers want it: relative to the repository root.

Code scanning and merge-request widgets match a report's paths against the checkout, so a
path must not depend on the directory sovcheck ran from or on how the file was named on
the command line. The root is the nearest ancestor holding ``.git`` (a directory, or a file
in a worktree or submodule); without one, the working directory. A file outside both stays
an absolute ``file:`` URI.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sovcheck.load.document import STDIN

# The SARIF uriBaseId for the repository root, which GitHub code scanning resolves against
# the checkout.
SRCROOT = "%SRCROOT%"


@dataclass(frozen=True, slots=True)
class ArtifactLocation:
    uri: str
    base_id: str | None
    path: str  # the same, as a plain POSIX path (relative, or absolute without a root)


@functools.lru_cache(maxsize=256)
def repository_root(directory: Path) -> Path | None:
    """The nearest directory at or above ``directory`` (absolute) that holds ``.git``."""
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def artifact_location(path: str, cwd: Path | None = None) -> ArtifactLocation:
    """``path`` as given on the command line, relative to its repository root."""
    if path == STDIN:
        return ArtifactLocation("stdin", None, "stdin")
    # The working directory is part of the cache key: a relative path names another file
    # once it changes.
    return _artifact_location(path, cwd or Path.cwd())


@functools.lru_cache(maxsize=256)
def _artifact_location(path: str, cwd: Path) -> ArtifactLocation:
    here = cwd.resolve()
    absolute = (here / path).resolve()
    for root in (repository_root(absolute.parent), here):
        if root is not None and absolute.is_relative_to(root):
            relative = absolute.relative_to(root).as_posix()
            return ArtifactLocation(quote(relative, safe="/-._~"), SRCROOT, relative)
    return ArtifactLocation(absolute.as_uri(), None, absolute.as_posix())
