"""Facts an importer can infer from a BOM's identifiers: purls, URLs, names, countries.

Nothing here guesses beyond what an identifier says. Each function returns the fact and a
short sentence saying how it was found, which the importer stores in the ``inferred``
mapping of the component or organization, so that a reviewer sees what was not stated.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from urllib.parse import unquote, urlsplit

import pycountry

from sovcheck.catalog import builtin_catalog
from sovcheck.model.catalog import CatalogOrganization
from sovcheck.model.codes import country_codes
from sovcheck.model.inventory import Kind

HF_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})
# First path segments of huggingface.co that are not a user or organization namespace.
_HF_RESERVED = frozenset(
    {
        "api",
        "blog",
        "collections",
        "docs",
        "join",
        "learn",
        "login",
        "models",
        "organizations",
        "papers",
        "posts",
        "pricing",
        "settings",
        "tasks",
    }
)
_HF_REPO_KINDS = frozenset({"datasets", "spaces"})

# Package types of https://github.com/package-url/purl-spec that name software packages.
_LIBRARY_PURL_TYPES = frozenset(
    {
        "alpm",
        "apk",
        "bitbucket",
        "bitnami",
        "cargo",
        "cocoapods",
        "composer",
        "conan",
        "conda",
        "cpan",
        "cran",
        "deb",
        "docker",
        "gem",
        "github",
        "golang",
        "hackage",
        "hex",
        "luarocks",
        "maven",
        "npm",
        "nuget",
        "oci",
        "pub",
        "pypi",
        "qpkg",
        "rpm",
        "swid",
        "swift",
    }
)


@dataclass(frozen=True)
class Purl:
    type: str
    namespace: str
    name: str
    version: str | None


def parse_purl(text: str) -> Purl | None:
    """The parts of a package URL, or None when ``text`` is not one."""
    if not text.startswith("pkg:"):
        return None
    rest = text[4:].lstrip("/").split("#", 1)[0].split("?", 1)[0]
    version: str | None = None
    if "@" in rest:
        rest, version = rest.rsplit("@", 1)
        version = unquote(version) or None
    parts = [unquote(p) for p in rest.split("/") if p]
    if len(parts) < 2:
        return None
    return Purl(parts[0].lower(), "/".join(parts[1:-1]), parts[-1], version)


def purl_kind(purl: Purl) -> tuple[Kind, str] | None:
    """The component kind a purl type implies, with how."""
    if purl.type == "huggingface":
        return Kind.MODEL, "purl type 'huggingface' (a Hugging Face model repository)"
    if purl.type == "huggingface-dataset":
        return Kind.DATASET, "purl type 'huggingface-dataset'"
    if purl.type in _LIBRARY_PURL_TYPES:
        return Kind.LIBRARY, f"purl type '{purl.type}' (a software package)"
    return None


def hf_namespace_of_purl(purl: Purl) -> str | None:
    if purl.type in {"huggingface", "huggingface-dataset"} and purl.namespace:
        return purl.namespace.split("/")[0]
    return None


def url_host(url: str) -> str | None:
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.lower().rstrip(".") if host else None


def hf_namespace_of_url(url: str) -> str | None:
    """The user or organization namespace of a huggingface.co URL."""
    if url_host(url) not in HF_HOSTS:
        return None
    segments = [unquote(s) for s in urlsplit(url.strip()).path.split("/") if s]
    if segments and segments[0] in _HF_REPO_KINDS:
        segments = segments[1:]
    if not segments or segments[0] in _HF_RESERVED:
        return None
    return segments[0]


# --------------------------------------------------------------------------- catalog


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


@dataclass(frozen=True)
class CatalogIndex:
    by_name: dict[str, str]
    by_hf: dict[str, str]
    by_domain: dict[str, str]

    def match_name(self, name: str) -> str | None:
        return self.by_name.get(_norm(name))

    def match_hf(self, namespace: str) -> str | None:
        return self.by_hf.get(namespace.casefold())

    def match_host(self, host: str) -> tuple[str, str] | None:
        """The catalog organization whose domain is ``host`` or a parent of it."""
        parts = host.split(".")
        for i in range(len(parts) - 1):
            domain = ".".join(parts[i:])
            org = self.by_domain.get(domain)
            if org is not None:
                return org, domain
        return None


@cache
def catalog_index() -> CatalogIndex:
    return build_index(builtin_catalog().organizations.values())


def build_index(orgs: Iterable[CatalogOrganization]) -> CatalogIndex:
    by_name: dict[str, str] = {}
    by_hf: dict[str, str] = {}
    by_domain: dict[str, str] = {}
    for org in sorted(orgs, key=lambda o: o.id):
        for name in (org.id, org.name, *org.aliases):
            by_name.setdefault(_norm(name), org.id)
        for ns in org.huggingface:
            by_hf.setdefault(ns.casefold(), org.id)
        for domain in org.domains:
            if domain.lower() not in HF_HOSTS:
                by_domain.setdefault(domain.lower(), org.id)
    return CatalogIndex(by_name, by_hf, by_domain)


# --------------------------------------------------------------------------- countries


def country_code(text: str) -> str | None:
    """ISO 3166-1 alpha-2 code of a country named or coded in ``text``, or None."""
    value = text.strip()
    if not value:
        return None
    if value.upper() in country_codes() and len(value) == 2:
        return value.upper()
    try:
        country = pycountry.countries.lookup(value)
    except LookupError:
        return None
    code = getattr(country, "alpha_2", None)
    return code if isinstance(code, str) else None


# --------------------------------------------------------------------------- ids

_NOT_ID = re.compile(r"[^a-z0-9_.:-]+")
MAX_ID = 80


# Text that is already an id (lowercase ASCII, no doubled or trailing '-'): slug() would
# return it unchanged, as it does for most package names and versions of a BOM.
_ALREADY_ID = re.compile(r"[a-z0-9](?:[a-z0-9_.:]|-(?!-))*(?<![-_.:])")


def slug(text: str, fallback: str) -> str:
    """An id made of ``text``: lowercase letters, digits, ``-``, ``_``, ``.``, ``:``."""
    if len(text) <= MAX_ID and _ALREADY_ID.fullmatch(text):
        return text
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    value = _NOT_ID.sub("-", (ascii_text or text).casefold())
    value = re.sub(r"-{2,}", "-", value)
    value = value.lstrip("-_.:")[:MAX_ID].rstrip("-_.:")
    return value or fallback


class IdAllocator:
    """Unique ids in first-come order: a repeated base gets a suffix."""

    def __init__(self, reserved: frozenset[str] = frozenset()) -> None:
        self._taken: set[str] = set(reserved)

    def take(self, *candidates: str) -> str:
        for candidate in candidates:
            if candidate and candidate not in self._taken:
                self._taken.add(candidate)
                return candidate
        base = candidates[0]
        n = 2
        while f"{base}-{n}" in self._taken:
            n += 1
        self._taken.add(f"{base}-{n}")
        return f"{base}-{n}"
