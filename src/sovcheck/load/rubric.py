"""Load a rubric by name (shipped) or path, validate it, and compile its conditions."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sovcheck.errors import InputError, Problem, UsageError
from sovcheck.load.document import Document, PathItem, read_document
from sovcheck.load.validation import did_you_mean, validate_model
from sovcheck.model.rubric import Rubric, Rule
from sovcheck.rules.conditions import All, Condition, ConditionCompiler
from sovcheck.rules.facts import FACTS

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# Placeholders a message may use beyond fact names.
MESSAGE_EXTRAS = frozenset({"path"})
# A rule's wording for each status it can give.
MESSAGE_KEYS = ("message", "pass_message", "unknown_message")


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    applies_to: Condition
    check: Condition
    index: int


@dataclass(frozen=True)
class LoadedRubric:
    rubric: Rubric
    rules: tuple[CompiledRule, ...]
    document: Document
    # the rubrics it extends, nearest first (their documents, for the digest)
    parents: tuple[Document, ...] = ()

    @property
    def path(self) -> str:
        return self.document.path

    @property
    def sha256(self) -> str:
        """The rubric file's digest, or, for one that extends others, the digest of its own
        and theirs: a change in a parent changes it."""
        if not self.parents:
            return self.document.sha256
        joined = "\n".join(d.sha256 for d in (self.document, *self.parents))
        return hashlib.sha256(joined.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class _Part:
    """A rule and where it was written."""

    rule: Rule
    doc: Document
    at: tuple[PathItem, ...]


def rubric_dir() -> Path:
    return Path(str(resources.files("sovcheck.rubrics")))


def shipped_rubrics() -> list[str]:
    return sorted(p.stem for p in rubric_dir().glob("*.yaml"))


def resolve_rubric(name_or_path: str, relative_to: Path | None = None) -> tuple[Path, str]:
    """A shipped rubric's id, or a path to a rubric file (relative to ``relative_to``, the
    folder of a rubric that extends it, when given)."""
    candidate = Path(name_or_path)
    if relative_to is not None and not candidate.is_absolute():
        near = relative_to / candidate
        if near.suffix in (".yaml", ".yml", ".json") or near.exists():
            return near, str(near)
    if candidate.suffix in (".yaml", ".yml", ".json") or candidate.exists():
        return candidate, str(candidate)
    shipped = rubric_dir() / f"{name_or_path}.yaml"
    if shipped.exists():
        return shipped, f"rubrics/{name_or_path}.yaml"
    names = shipped_rubrics()
    raise UsageError(
        f"no rubric named '{name_or_path}'{did_you_mean(name_or_path, names)}; "
        f"shipped rubrics: {', '.join(names)}; or give a path to a rubric file"
    )


def load_rubric(name_or_path: str) -> LoadedRubric:
    rubric, parts, doc, parents = _read(name_or_path, None, ())
    problems: list[Problem] = []
    objectives = [o.id for o in rubric.objectives]
    compilers: dict[int, ConditionCompiler] = {}
    compiled: list[CompiledRule] = []
    for i, part in enumerate(parts):
        rule, base, smap = part.rule, part.at, part.doc.source_map
        compiler = compilers.get(id(part.doc))
        if compiler is None:
            compiler = compilers[id(part.doc)] = ConditionCompiler(smap)
        if rule.objective not in objectives:
            problems.append(
                Problem(
                    smap.locate((*base, "objective")),
                    f"unknown objective '{rule.objective}'"
                    f"{did_you_mean(rule.objective, objectives)}",
                )
            )
        applies: Condition = All(())
        if rule.applies_to is not None:
            applies = compiler.compile(rule.applies_to, (*base, "applies_to"))
        check = compiler.compile(rule.check, (*base, "check"))
        for key in MESSAGE_KEYS:
            text = getattr(rule, key)
            for name in PLACEHOLDER.findall(text or ""):
                if name not in FACTS and name not in MESSAGE_EXTRAS:
                    problems.append(
                        Problem(
                            smap.locate((*base, key)),
                            f"{key} uses unknown fact '{{{name}}}'"
                            f"{did_you_mean(name, sorted(FACTS))}",
                        )
                    )
        if rule.scope == "system":
            for fact in applies.facts() | check.facts():
                if FACTS[fact].scope != "system":
                    problems.append(
                        Problem(
                            smap.locate(base),
                            f"system rule '{rule.id}' uses component fact '{fact}'",
                        )
                    )
        highest = max((lv.level for lv in rubric.levels), default=0)
        for key in ("fail_level", "unknown_level"):
            value = getattr(rule, key)
            if value is not None and value > highest:
                problems.append(
                    Problem(
                        smap.locate((*base, key)), f"{key} {value}: the highest level is {highest}"
                    )
                )
        compiled.append(CompiledRule(rule, applies, check, i))
    levels = [lv.level for lv in rubric.levels]
    if levels != sorted(levels) or len(set(levels)) != len(levels):
        problems.append(
            Problem(doc.source_map.locate(("levels",)), "levels must be listed in increasing order")
        )
    if rubric.levels and rubric.levels[0].min_score != 0:
        problems.append(
            Problem(
                doc.source_map.locate(("levels", 0, "min_score")),
                "the first level must start at min_score 0",
            )
        )
    for compiler in compilers.values():
        problems.extend(compiler.problems)
    if problems:
        raise InputError(problems)
    return LoadedRubric(rubric, tuple(compiled), doc, parents)


def _consistency_problems(rubric: Rubric, doc: Document) -> list[Problem]:
    """What one rubric file says that cannot hold together: an objective id given twice
    (both would be scored), a level that needs less than the one below it."""
    smap = doc.source_map
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, objective in enumerate(rubric.objectives):
        if objective.id in seen:
            problems.append(
                Problem(
                    smap.locate(("objectives", i, "id")),
                    f"duplicate objective id '{objective.id}'",
                )
            )
        seen.add(objective.id)
    for i, (below, level) in enumerate(zip(rubric.levels, rubric.levels[1:], strict=False)):
        if level.min_score < below.min_score:
            problems.append(
                Problem(
                    smap.locate(("levels", i + 1, "min_score")),
                    f"min_score {level.min_score:g} is below the {below.min_score:g} of level "
                    f"{below.level}: a higher level cannot need a lower score",
                )
            )
    return problems


def _read(
    name_or_path: str, relative_to: Path | None, seen: tuple[Path, ...]
) -> tuple[Rubric, list[_Part], Document, tuple[Document, ...]]:
    """A rubric merged with the ones it extends: (rubric, its rules with where each was
    written, its document, the parents' documents)."""
    path, display = resolve_rubric(name_or_path, relative_to)
    doc = read_document(path, display_name=display)
    if isinstance(doc.data, dict) and doc.data.get("rubric") not in (1, None):
        raise InputError(
            [
                Problem(
                    doc.source_map.locate(("rubric",)),
                    f"unsupported rubric format version {doc.data['rubric']!r}; "
                    "this sovcheck reads version 1",
                )
            ]
        )
    rubric = validate_model(doc, Rubric)
    problems: list[Problem] = []
    own: list[_Part] = []
    ids: set[str] = set()
    for i, rule in enumerate(rubric.rules):
        if rule.id in ids:
            problems.append(
                Problem(doc.source_map.locate(("rules", i, "id")), f"duplicate rule id '{rule.id}'")
            )
        ids.add(rule.id)
        own.append(_Part(rule, doc, ("rules", i)))
    problems.extend(_consistency_problems(rubric, doc))
    if rubric.extends is None:
        for key in ("objectives", "levels", "rules"):
            if not getattr(rubric, key):
                problems.append(
                    Problem(doc.source_map.locate(()), f"a rubric needs {key} (or extends one)")
                )
        if rubric.drop:
            problems.append(
                Problem(doc.source_map.locate(("drop",)), "drop is for a rubric that extends one")
            )
        if problems:
            raise InputError(problems)
        return rubric, own, doc, ()
    resolved = path.resolve()
    if resolved in seen:
        raise InputError(
            [
                Problem(
                    doc.source_map.locate(("extends",)),
                    "rubrics extend each other in a loop: "
                    + " -> ".join(str(p) for p in (*seen, resolved)),
                )
            ]
        )
    parent, inherited, parent_doc, grand = _read(rubric.extends, path.parent, (*seen, resolved))
    known = {part.rule.id for part in inherited}
    for k, rule_id in enumerate(rubric.drop):
        if rule_id not in known:
            problems.append(
                Problem(
                    doc.source_map.locate(("drop", k)),
                    f"drop: rubric {parent.id} has no rule '{rule_id}'"
                    f"{did_you_mean(rule_id, sorted(known))}",
                )
            )
    if problems:
        raise InputError(problems)
    replaced = {part.rule.id: part for part in own}
    dropped = set(rubric.drop)
    parts = [replaced.pop(p.rule.id, p) for p in inherited if p.rule.id not in dropped]
    parts += [part for part in own if part.rule.id in replaced]
    given = rubric.model_fields_set
    update = {
        key: getattr(parent, key)
        for key in Rubric.model_fields
        if key not in given and key not in ("rubric", "id", "version", "title", "extends", "drop")
    }
    update["rules"] = tuple(part.rule for part in parts)
    merged = rubric.model_copy(update=update)
    return merged, parts, doc, (parent_doc, *grand)
