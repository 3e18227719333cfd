"""What to write, and where, to establish an unknown fact.

An unknown finding names the inventory fields that would decide it (``Unknown.fields``):
``location`` is a field of the component itself, ``web-team.location`` one of another
component, ``organizations.acme.country`` one of an organization, ``system.languages`` one
of the system. This module turns each into a question and the place its answer goes, so
that an unknown reads as a to-do item rather than as a failure.
"""

from __future__ import annotations

from collections.abc import Sequence

# field -> the question the field answers; {it} and {its} name the subject
QUESTIONS: dict[str, str] = {
    "accessibility": "which accessibility standards does {it} meet?",
    "annual_cost_eur": "what does {it} cost a year?",
    "certifications": "which certifications or qualifications does {it} hold?",
    "chip_type": "is {it} an accelerator, a CPU, memory or another chip?",
    "classification": "how sensitive is the data {it} holds?",
    "clearance": "which security clearance do {its} members hold?",
    "connectivity": "is {it} air-gapped, on a private network or on the internet?",
    "country": "in which country is {it} incorporated?",
    "export_controlled": "is {it} subject to export controls?",
    "export_licence_required": (
        "does exporting {it} to the home country need a licence (the catalog cannot tell)?"
    ),
    "foreign_control": "which share of {it} is held from outside the trusted area?",
    "holders": "who holds {its} capital, and how much each?",
    "languages": "which languages does {it} cover?",
    "legal_basis": "on which GDPR art. 6 basis is {its} personal data processed?",
    "license": "under which licence is {it} distributed?",
    "location": "where does {it} run or store data?",
    "open_source": "is {it} open source?",
    "organization": "which organization owns the system (so that its own work is not spend)?",
    "personal_data": "does {it} hold personal data?",
    "powered_by": "which energy supply powers {it}?",
    "requires_connectivity": "does {it} stop working when its supplier is unreachable?",
    "maintained_by": "which team maintains {it}?",
    "runs_on": "which host runs {it}, and so holds its data?",
    "special_categories": "does {its} personal data include special categories (GDPR art. 9)?",
    "substitutes": "which substitutes does {it} have (another supplier)?",
    "supplier": "who provides or operates {it}?",
    "supplier_data_access": "can {its} supplier technically obtain the data the provider operates?",
    "training_summary": "where is the summary of {its} training content published (a link)?",
    "uses": "which chips does {it} run on?",
    "weights": "are {its} weights open, licensed for on-premises use, or closed?",
    "system.languages": "which languages must the system serve?",
    "system.classification": "how sensitive is the data the system handles?",
    "system.regional_languages": "which languages do the regions the system serves speak?",
    # compute, cost, energy, people, reach, openness, Gaia-X
    "compute": "is {its} compute owned, rented, or allocated on a public machine?",
    "compute.allocation": "who allocated {its} compute, on which machine (with source and date)?",
    "training.gpu_hours": "how many GPU-hours did {its} training take?",
    "training.cost": "what did {its} training cost (compute, energy, cooling)?",
    "operating_cost": "what does running {it} cost a year (compute, energy, cooling)?",
    "energy_use.pue": "what is {its} power usage effectiveness (PUE), as published?",
    "energy_use.kwh_per_year": "how much energy does {it} use a year (kWh)?",
    "origin": "where does {its} electricity come from?",
    "frugality": "is {its} energy documented, per training run or per inference?",
    "frugality.energy_per_training_kwh": "how much energy did {its} training run use (kWh)?",
    "frugality.energy_per_inference_wh": "how much energy does {it} use per inference (Wh)?",
    "maintainers": "how many of {its} people can maintain each component it maintains?",
    "reserve": "can {it} mobilise a cleared reserve in a crisis, and how many people?",
    "audiences": "who can use {it}: the public, small businesses, local authorities?",
    "access_modes": "can {it} be used offline or on low bandwidth?",
    "small_organization_pricing": "what does {it} cost small organisations?",
    "openness.weights": "are {its} weights under OSI-approved terms, restricted, or closed?",
    "openness.code": "is the code to train and run {it} under OSI-approved terms?",
    "openness.data_information": "is {its} training data documented completely, partly or not?",
    "local_tuning": "was {it} retrained or fine-tuned on local data?",
    "gaia_x": "which Gaia-X credential does {it} hold (level, the credential, its dates)?",
    # Facts the catalog lacks: nothing in the inventory can settle them.
    "catalog.accreditation": (
        "which national accreditation covers classified data in the home country? The catalog "
        "records none; a claim under `certifications` stays unconfirmed, for the accrediting "
        "authority to check"
    ),
}


def establish(field: str) -> str:
    """The question behind ``field`` and where its answer goes, in one phrase.

    A field of the finding's own component reads "is it ...? (state `x`)"; one of another
    component, organization or of the system names it."""
    owner, name = _split(field)
    if owner == "catalog":
        return QUESTIONS.get(field, f"the catalog does not establish {name}")
    template = QUESTIONS.get(field) or QUESTIONS.get(
        name, "what is {its} " + name.replace("_", " ") + "?"
    )
    if owner is None:
        return template.format(it="it", its="its") + f" (state `{name}`)"
    if owner == "system":
        return template.format(it="the system", its="the system's") + f" (state `system.{name}`)"
    if owner.startswith("organizations."):
        org = owner.removeprefix("organizations.")
        subject = f"organization {org}"
        where = f"`{name}` of {org} under `organizations:`"
    else:
        subject = owner
        where = f"`{name}` on {owner}"
    return template.format(it=subject, its=f"{subject}'s") + f" (state {where})"


def establish_all(fields: Sequence[str]) -> str:
    """``establish`` for several fields, one phrase per field name: a fact missing on
    several components or organizations is asked once, naming them all."""
    groups: dict[tuple[str, str], list[str]] = {}
    for field in fields:
        owner, name = _split(field)
        kind = (
            "system"
            if owner == "system"
            else "organization"
            if owner and owner.startswith("organizations.")
            else "component"
            if owner
            else "self"
        )
        groups.setdefault((kind, name), []).append(field)
    phrases: list[str] = []
    for (kind, name), members in groups.items():
        if len(members) == 1 or kind in ("self", "system"):
            phrases.extend(establish(m) for m in members)
            continue
        owners = [_split(m)[0] or "" for m in members]
        template = QUESTIONS.get(name, "what is {its} " + name.replace("_", " ") + "?")
        if kind == "organization":
            where = f"`{name}` of {', '.join(o.removeprefix('organizations.') for o in owners)}"
            where += " under `organizations:`"
        else:
            where = f"`{name}` on {', '.join(owners)}"
        phrases.append(template.format(it="each", its="each one's") + f" (state {where})")
    return "; ".join(phrases)


# Fields that are records of their own: ``energy_use.pue`` is one field, not ``pue`` of a
# component named energy_use.
RECORDS = frozenset(
    {
        "compute",
        "training",
        "inference",
        "operating_cost",
        "frugality",
        "energy_use",
        "reserve",
        "openness",
        "gaia_x",
    }
)


def _split(field: str) -> tuple[str | None, str]:
    """``organizations.acme.country`` -> (``organizations.acme``, ``country``);
    ``ops.energy_use.pue`` -> (``ops``, ``energy_use.pue``)."""
    if "." not in field:
        return None, field
    owner, _, name = field.rpartition(".")
    head, _, record = owner.rpartition(".")
    if record in RECORDS and head != "organizations":
        return head or None, f"{record}.{name}"
    return owner, name
