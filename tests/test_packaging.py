"""What `pip install .` ships: every package of the source tree (the README's install is
not editable, so a package missing from the list is missing for users, not for tests)."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def test_every_source_package_is_listed_for_setuptools() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    source = ROOT / "src"
    found = {
        ".".join(init.parent.relative_to(source).parts) for init in source.rglob("__init__.py")
    }
    assert found - listed == set(), "packages missing from [tool.setuptools] packages"
