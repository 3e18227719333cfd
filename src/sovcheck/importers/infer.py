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
    repository_url: str | None = None


def parse_purl(text: str) -> Purl | None:
    """The parts of a package URL, or None when ``text`` is not one."""
    if not text.startswith("pkg:"):
        return None
    rest, _, qualifiers = text[4:].lstrip("/").split("#", 1)[0].partition("?")
    version: str | None = None
    if "@" in rest:
        rest, version = rest.rsplit("@", 1)
        version = unquote(version) or None
    parts = [unquote(p) for p in rest.split("/") if p]
    if len(parts) < 2:
        return None
    repository: str | None = None
    for pair in qualifiers.split("&"):
        key, _, value = pair.partition("=")
        if key.lower() == "repository_url" and value:
            repository = unquote(value)
    return Purl(parts[0].lower(), "/".join(parts[1:-1]), parts[-1], version, repository)


@dataclass(frozen=True)
class Publisher:
    """What a purl says about who publishes a package: an account on a platform, or a
    domain its name is built on. Neither is an organization: an account's holder, or a
    domain's owner, is known only where the catalog says who it is."""

    where: str  # how the identifier says it, e.g. "npm scope '@angular'"
    platform: str | None = None  # "Hugging Face", "npm", "GitHub", "Docker Hub", ...
    account: str | None = None
    domain: str | None = None


# Hosts of source forges whose first path segment is an account (Go module paths, container
# registries).
_FORGES = {"github.com": "GitHub", "gitlab.com": "GitLab", "bitbucket.org": "Bitbucket"}
_REGISTRIES = {
    "docker.io": "Docker Hub",
    "index.docker.io": "Docker Hub",
    "registry-1.docker.io": "Docker Hub",
    "ghcr.io": "GitHub",
    "quay.io": "Quay",
}


def purl_publisher(purl: Purl) -> Publisher | None:
    """Who the purl says publishes the package, for the types whose names say it
    (https://github.com/package-url/purl-spec); None where the type says nothing (pypi,
    deb, rpm, ...) or the name has no namespace."""
    ns = purl.namespace
    if purl.type in {"huggingface", "huggingface-dataset"} and ns:
        account = ns.split("/")[0]
        return Publisher(f"Hugging Face account '{account}' in the purl", "Hugging Face", account)
    if purl.type == "npm" and ns:
        scope = ns.removeprefix("@")
        return Publisher(f"npm scope '@{scope}' in the purl", "npm", scope)
    if purl.type in {"github", "bitbucket"} and ns:
        account = ns.split("/")[0]
        platform = "GitHub" if purl.type == "github" else "Bitbucket"
        return Publisher(f"{platform} account '{account}' in the purl", platform, account)
    if purl.type == "golang" and ns:
        host, _, path = ns.partition("/")
        return _hosted(host.lower(), path, f"Go module path '{ns}/{purl.name}'")
    if purl.type == "maven" and ns:
        labels = [label for label in ns.lower().split(".") if label]
        if len(labels) >= 3 and labels[0] in {"io", "com"} and labels[1] in {"github", "gitlab"}:
            platform = "GitHub" if labels[1] == "github" else "GitLab"
            where = f"{platform} account '{labels[2]}' of the Maven groupId '{ns}'"
            return Publisher(where, platform, labels[2])
        if len(labels) >= 2:
            return Publisher(f"Maven groupId '{ns}'", domain=".".join(reversed(labels)))
        return None
    if purl.type in {"docker", "oci"}:
        return _image_publisher(purl)
    return None


def _hosted(host: str, path: str, where: str) -> Publisher | None:
    if host in _FORGES:
        account = path.split("/")[0]
        if not account:
            return None
        return Publisher(
            f"{_FORGES[host]} account '{account}' of the {where}", _FORGES[host], account
        )
    if "." in host:
        return Publisher(where, domain=host)
    return None


def _image_publisher(purl: Purl) -> Publisher | None:
    """A container image's account on its registry: the Docker Hub namespace, or the first
    path segment on GitHub's, GitLab's or Quay's registry. Images of Docker Hub's
    ``library`` namespace are its official images, published by no single account."""
    host, _, path = (purl.repository_url or "").partition("/")
    host = host.lower()
    if purl.type == "docker":
        host = host or "docker.io"
        path = path or purl.namespace
    platform = _REGISTRIES.get(host)
    segments = [s for s in path.split("/") if s]
    if platform is None or not segments:
        return None
    # A repository URL ending in the image name leaves no account before it.
    if purl.type == "oci" and segments[-1] == purl.name:
        segments = segments[:-1]
    if not segments or segments[0] == "library":
        return None
    label = "GitHub account" if host == "ghcr.io" else f"{platform} account"
    return Publisher(f"{label} '{segments[0]}' of the image's registry path", platform, segments[0])


def purl_kind(purl: Purl) -> tuple[Kind, str] | None:
    """The component kind a purl type implies, with how."""
    if purl.type == "huggingface":
        return Kind.MODEL, "purl type 'huggingface' (a Hugging Face model repository)"
    if purl.type == "huggingface-dataset":
        return Kind.DATASET, "purl type 'huggingface-dataset'"
    if purl.type in _LIBRARY_PURL_TYPES:
        return Kind.LIBRARY, f"purl type '{purl.type}' (a software package)"
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

    def match_publisher(self, publisher: Publisher) -> tuple[str, str] | None:
        """The catalog organization a purl's publisher is, and how it was matched: a Hugging
        Face account the catalog lists, a domain the catalog gives the organization, or an
        account bearing the name of a catalog organization."""
        if publisher.platform == "Hugging Face" and publisher.account:
            org = self.match_hf(publisher.account)
            if org is not None:
                return org, f"listed by the catalog as {org}'s"
        if publisher.domain:
            found = self.match_host(publisher.domain)
            if found is not None:
                return found[0], f"domain {found[1]} of catalog organization {found[0]}"
        if publisher.account:
            org = self.match_name(publisher.account)
            if org is not None:
                return org, f"the name of catalog organization {org}"
        return None

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
