"""Load a rubric by name (shipped) or path, validate it, and compile its conditions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sovcheck.errors import InputError, Problem, UsageError
from sovcheck.load.document import Document, read_document
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

    @property
    def path(self) -> str:
        return self.document.path


def rubric_dir() -> Path:
    return Path(str(resources.files("sovcheck") / "rubrics"))


def shipped_rubrics() -> list[str]:
    return sorted(p.stem for p in rubric_dir().glob("*.yaml"))


def resolve_rubric(name_or_path: str) -> tuple[Path, str]:
    """A shipped rubric's id, or a path to a rubric file."""
    candidate = Path(name_or_path)
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
    path, display = resolve_rubric(name_or_path)
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
    compiler = ConditionCompiler(doc.source_map)
    problems: list[Problem] = []
    objectives = [o.id for o in rubric.objectives]
    seen: set[str] = set()
    compiled: list[CompiledRule] = []
    for i, rule in enumerate(rubric.rules):
        base = ("rules", i)
        if rule.id in seen:
            problems.append(
                Problem(doc.source_map.locate((*base, "id")), f"duplicate rule id '{rule.id}'")
            )
        seen.add(rule.id)
        if rule.objective not in objectives:
            problems.append(
                Problem(
                    doc.source_map.locate((*base, "objective")),
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
                            doc.source_map.locate((*base, key)),
                            f"{key} uses unknown fact '{{{name}}}'"
                            f"{did_you_mean(name, sorted(FACTS))}",
                        )
                    )
        if rule.scope == "system":
            for fact in applies.facts() | check.facts():
                if FACTS[fact].scope != "system":
                    problems.append(
                        Problem(
                            doc.source_map.locate(base),
                            f"system rule '{rule.id}' uses component fact '{fact}'",
                        )
                    )
        compiled.append(CompiledRule(rule, applies, check, i))
    levels = [lv.level for lv in rubric.levels]
    if levels != sorted(levels) or len(set(levels)) != len(levels):
        problems.append(
            Problem(doc.source_map.locate(("levels",)), "levels must be listed in increasing order")
        )
    if rubric.levels[0].min_score != 0:
        problems.append(
            Problem(
                doc.source_map.locate(("levels", 0, "min_score")),
                "the first level must start at min_score 0",
            )
        )
    problems.extend(compiler.problems)
    if problems:
        raise InputError(problems)
    return LoadedRubric(rubric, tuple(compiled), doc)
