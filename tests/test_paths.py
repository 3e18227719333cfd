"""Report paths relative to the repository root, wherever sovcheck runs from."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovcheck.formats.paths import SRCROOT, artifact_location


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "inventories" / "a b").mkdir(parents=True)
    (root / "inventories" / "a b" / "x#1.yaml").write_text("sovcheck: 1\n")
    return root


def test_relative_to_the_repository_root_from_a_subdirectory(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    loc = artifact_location("x#1.yaml", root / "inventories" / "a b")
    assert (loc.uri, loc.base_id, loc.path) == (
        "inventories/a%20b/x%231.yaml",
        SRCROOT,
        "inventories/a b/x#1.yaml",
    )


def test_an_absolute_path_inside_the_repository_is_made_relative(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    target = root / "inventories" / "a b" / "x#1.yaml"
    assert artifact_location(str(target), tmp_path).uri == "inventories/a%20b/x%231.yaml"


def test_a_git_file_marks_a_worktree_root(tmp_path: Path) -> None:
    root = tmp_path / "wt"
    root.mkdir()
    (root / ".git").write_text("gitdir: elsewhere\n")
    (root / "inv.yaml").write_text("sovcheck: 1\n")
    assert artifact_location("wt/inv.yaml", tmp_path).uri == "inv.yaml"


def test_outside_any_repository_relative_to_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "inv.yaml").write_text("sovcheck: 1\n")
    loc = artifact_location("./d/inv.yaml", tmp_path)
    assert (loc.uri, loc.base_id) == ("d/inv.yaml", SRCROOT)


def test_outside_the_working_directory_and_any_repository_is_a_file_uri(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "inv.yaml").write_text("sovcheck: 1\n")
    loc = artifact_location(str(tmp_path / "b" / "inv.yaml"), tmp_path / "a")
    assert loc.base_id is None
    assert loc.uri == (tmp_path / "b" / "inv.yaml").resolve().as_uri()


def test_standard_input() -> None:
    assert artifact_location("<stdin>").uri == "stdin"


def test_a_relative_path_follows_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    for name in ("a", "b"):
        (root / name).mkdir()
        (root / name / "inv.yaml").write_text("sovcheck: 1\n")
    monkeypatch.chdir(root / "a")
    assert artifact_location("inv.yaml").uri == "a/inv.yaml"
    monkeypatch.chdir(root / "b")
    assert artifact_location("inv.yaml").uri == "b/inv.yaml"
