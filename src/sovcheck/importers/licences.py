"""Licence texts of a BOM as SPDX expressions, through license-expression's SPDX licensing.

A BOM's licence is kept as written when it is an SPDX expression (``LicenseRef-`` ids
included). A Python trove classifier is mapped to the SPDX licence it names, and the
mapping is marked as inferred. Any other name is not a licence sovcheck can judge: it is
left unknown (and kept in the notes), never taken for a closed licence.

The trove table is derived from the classifier-to-SPDX map of cyclonedx-bom 7.5
(``cyclonedx_py/_internal/utils/license_trove_classifier.py``, Apache-2.0, which follows
PEP 639's mapping advice), with two of its ids corrected (EPL 2.0 is ``EPL-2.0``, Mulan
PSL v2 is ``MulanPSL-2.0``). Where a classifier names a licence family but no version
(``Apache Software License``), the PEP declines to map it; sovcheck writes every version
the classifier may mean as alternatives (``Apache-1.1 OR Apache-2.0``) and says so, which
keeps "open" true only when every version is open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from license_expression import ExpressionError, Licensing, get_spdx_licensing

TROVE_PREFIX = "License :: "
_TROVE = {
    "CC0 1.0 Universal (CC0 1.0) Public Domain Dedication": "CC0-1.0",
    "CeCILL-B Free Software License Agreement (CECILL-B)": "CECILL-B",
    "CeCILL-C Free Software License Agreement (CECILL-C)": "CECILL-C",
    "OSI Approved :: Academic Free License (AFL)": "AFL-1.1 OR AFL-1.2 OR AFL-2.0 OR AFL-2.1 OR AFL-3.0",
    "OSI Approved :: Apache Software License": "Apache-1.1 OR Apache-2.0",
    "OSI Approved :: Artistic License": "Artistic-1.0 OR Artistic-2.0",
    "OSI Approved :: BSD License": "0BSD OR BSD-2-Clause OR BSD-3-Clause",
    "OSI Approved :: Boost Software License 1.0 (BSL-1.0)": "BSL-1.0",
    "OSI Approved :: CEA CNRS Inria Logiciel Libre License, version 2.1 (CeCILL-2.1)": "CECILL-2.1",
    "OSI Approved :: Common Development and Distribution License 1.0 (CDDL-1.0)": "CDDL-1.0",
    "OSI Approved :: Eclipse Public License 1.0 (EPL-1.0)": "EPL-1.0",
    "OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)": "EPL-2.0",
    "OSI Approved :: European Union Public Licence 1.0 (EUPL 1.0)": "EUPL-1.0",
    "OSI Approved :: European Union Public Licence 1.1 (EUPL 1.1)": "EUPL-1.1",
    "OSI Approved :: European Union Public Licence 1.2 (EUPL 1.2)": "EUPL-1.2",
    "OSI Approved :: GNU Affero General Public License v3": "AGPL-3.0-only",
    "OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)": "AGPL-3.0-or-later",
    "OSI Approved :: GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
    "OSI Approved :: GNU General Public License v2 or later (GPLv2+)": "GPL-2.0-or-later",
    "OSI Approved :: GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
    "OSI Approved :: GNU General Public License v3 or later (GPLv3+)": "GPL-3.0-or-later",
    "OSI Approved :: GNU Lesser General Public License v2 (LGPLv2)": "LGPL-2.0-only OR LGPL-2.1-only",
    "OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)": "LGPL-2.0-or-later OR LGPL-2.1-or-later",
    "OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
    "OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)": "LGPL-3.0-or-later",
    "OSI Approved :: Historical Permission Notice and Disclaimer (HPND)": "HPND",
    "OSI Approved :: ISC License (ISCL)": "ISC",
    "OSI Approved :: MIT License": "MIT",
    "OSI Approved :: MIT No Attribution License (MIT-0)": "MIT-0",
    "OSI Approved :: Mozilla Public License 1.0 (MPL)": "MPL-1.0",
    "OSI Approved :: Mozilla Public License 1.1 (MPL 1.1)": "MPL-1.1",
    "OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "OSI Approved :: Mulan Permissive Software License v2 (MulanPSL-2.0)": "MulanPSL-2.0",
    "OSI Approved :: Open Software License 3.0 (OSL-3.0)": "OSL-3.0",
    "OSI Approved :: PostgreSQL License": "PostgreSQL",
    "OSI Approved :: Python License (CNRI Python License)": "CNRI-Python",
    "OSI Approved :: Python Software Foundation License": "Python-2.0",
    "OSI Approved :: The Unlicense (Unlicense)": "Unlicense",
    "OSI Approved :: Universal Permissive License (UPL)": "UPL-1.0",
    "OSI Approved :: University of Illinois/NCSA Open Source License": "NCSA",
    "OSI Approved :: W3C License": "W3C",
    "OSI Approved :: zlib/libpng License": "Zlib",
}
_CUSTOM = re.compile(r"^(?:DocumentRef-[\w.-]+:)?LicenseRef-[\w.-]+$")
# Every character an SPDX licence expression may hold (SPDX 2.3 annex D): ids of letters,
# digits, "-" and ".", "+", "DocumentRef-…:LicenseRef-…", operators, parentheses, spaces.
_EXPRESSION_CHARACTERS = re.compile(r"^[A-Za-z0-9.+:()\s-]+$")


@dataclass(frozen=True)
class Licence:
    """What a BOM's licence text says: an SPDX expression, how it was mapped, and the
    names that are no licence sovcheck knows (left unknown)."""

    expression: str | None
    how: str | None = None
    unknown: tuple[str, ...] = ()


@cache
def _licensing() -> Licensing:
    return get_spdx_licensing()


# A BOM of thousands of packages names a few dozen licences: each is parsed once.
@lru_cache(maxsize=4096)
def is_spdx_expression(text: str) -> bool:
    """Whether ``text`` is an SPDX licence expression (``LicenseRef-`` ids count)."""
    if not _EXPRESSION_CHARACTERS.match(text):
        # "MIT/X11", "ASL, version 2": no expression. license-expression 30.4 raises an
        # AttributeError of its own on such text instead of reporting it invalid.
        return False
    try:
        info = _licensing().validate(text)
    except (ExpressionError, AttributeError):
        return False
    bad = [str(s) for s in info.invalid_symbols]
    syntax = [e for e in info.errors if not e.startswith("Unknown license key")]
    return not syntax and all(_CUSTOM.match(s) for s in bad)


def trove_to_spdx(classifier: str) -> str | None:
    """The SPDX expression a Python licence trove classifier names, or None."""
    name = " ".join(classifier.split())
    if not name.startswith(TROVE_PREFIX):
        return None
    return _TROVE.get(name.removeprefix(TROVE_PREFIX))


def normalize_licences(parts: list[str]) -> Licence:
    """The SPDX expression of a component's licence parts (all of them apply: AND)."""
    kept: list[str] = []
    mapped: list[str] = []
    unknown: list[str] = []
    for part in dict.fromkeys(p.strip() for p in parts if p.strip()):
        if is_spdx_expression(part):
            # "(A OR B)" and "A OR B" are one licence: formats differ in the parentheses
            kept.append(unwrap(part))
            continue
        spdx = trove_to_spdx(part)
        if spdx is not None:
            kept.append(spdx)
            mapped.append(f"trove classifier '{part}' read as {spdx}")
        else:
            unknown.append(part)
    unique = list(dict.fromkeys(kept))
    if not unique:
        return Licence(None, None, tuple(unknown))
    expression = (
        unique[0] if len(unique) == 1 else " AND ".join(f"({p})" if " " in p else p for p in unique)
    )
    how = "; ".join(mapped) if mapped else None
    if how and " OR " in how:
        how += " (the classifier names no version: any of these)"
    return Licence(expression, how, tuple(unknown))


def split_and(text: str) -> list[str]:
    """The parts of a licence text joined by AND at the top level, each without the
    parentheses that enclose it whole."""
    parts: list[str] = []
    depth, start = 0, 0
    for match in re.finditer(r"[()]| AND ", text):
        token = match.group()
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif depth == 0:
            parts.append(text[start : match.start()])
            start = match.end()
    parts.append(text[start:])
    return [unwrap(p.strip()) for p in parts if p.strip()]


def unwrap(part: str) -> str:
    """``part`` without parentheses that enclose it whole."""
    if part.startswith("(") and part.endswith(")"):
        depth = 0
        for i, char in enumerate(part):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0 and i < len(part) - 1:
                return part
        return part[1:-1].strip()
    return part
