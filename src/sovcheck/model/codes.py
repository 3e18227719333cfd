"""ISO code lists (ISO 3166-1 alpha-2 countries, ISO 639-1 languages) and their checks.

The lists come from pycountry, which packages the iso-codes data maintained by Debian from
the ISO registration authorities; sovcheck does not keep a copy of its own.
"""

from __future__ import annotations

import difflib
from functools import cache

import pycountry


@cache
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


@cache
def _alpha3_to_alpha2() -> dict[str, str]:
    return {c.alpha_3: c.alpha_2 for c in pycountry.countries}


@cache
def language_codes() -> frozenset[str]:
    return frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


def country_problem(code: str) -> str | None:
    """Why ``code`` is not an ISO 3166-1 alpha-2 code, or None when it is one."""
    if code in country_codes():
        return None
    hint = ""
    upper = code.upper()
    if upper in country_codes():
        hint = f" (did you mean '{upper}'?)"
    elif upper in _alpha3_to_alpha2():
        hint = f" (that is alpha-3; the alpha-2 code is '{_alpha3_to_alpha2()[upper]}')"
    return f"'{code}' is not an ISO 3166-1 alpha-2 country code{hint}"


def language_problem(code: str) -> str | None:
    if code in language_codes():
        return None
    hint = ""
    close = difflib.get_close_matches(code.lower(), sorted(language_codes()), n=1)
    if code.lower() in language_codes():
        hint = f" (did you mean '{code.lower()}'?)"
    elif close:
        hint = f" (did you mean '{close[0]}'?)"
    return f"'{code}' is not an ISO 639-1 language code{hint}"
