"""Gap reports, what-if audits and diffs: the way from an audit to a target.

Pure: no printing, no files written, no clock; the caller passes the loaded inventory,
rubric, catalog and options. Every score change stated here is measured by re-running
the engine and the scoring on a modified copy of the inventory, never estimated.

Modules, in the order of the flow: ``targets`` (what a plan aims at), ``edits`` (changes
to a copy of an inventory), ``evaluate`` (one audit as the planner reads it: exact scores,
finding costs, target lines), ``candidates`` (the steps that can be taken), ``search``
(the greedy choice among them), ``report`` (the gap report's models); ``whatif`` and
``diff`` beside them.

How ``plan_gap`` plans (the README summarizes this):

1. **Target.** One of: a readiness level L (every objective at level L or above), an overall
   score N (``--fail-under``), or per-objective minimums (``--min OBJ=N``; without any
   target option, the rubric's objective thresholds). Given minimums replace the rubric's
   thresholds entirely: the plan aims at the objectives named, nothing else.
2. **Where it stands.** For each objective below its target: the score, the gap, and the
   findings that cost the most. A finding's cost is the credit it loses times its rule's
   weight, from the engine's per-rule tallies: for a rule that averages, a failing finding
   loses 1/n of the rule's credit and an unknown one (1 - unknown credit)/n, n being the
   findings the rule applies to; for a weakest-link rule (``aggregate: min``) the rule's
   whole loss is shared by the findings at its worst status. In score points the cost is
   100 x cost / (sum of the weights of the objective's applicable rules), so the costs of
   an objective add up to 100 minus its score.
3. **Candidate steps**, built from the current (possibly already modified) inventory:

   * *rewire* (source ``inventory``, ``substitutes`` or ``catalog``): a host (cloud,
     datacenter, service) that fails a data-security rule because restricted data reaches
     it through ``runs_on`` or ``calls`` under foreign control. Either every relation that
     targets it is pointed at a trusted host of the same kind that exists in the
     inventory, or the host is replaced by a modelled offer of a catalog organization
     (below);
   * *replace* (source ``substitutes`` or ``catalog``): any other component that fails a
     rule and is under foreign control. A substitute named in ``substitutes`` that exists in
     the inventory and is home or trusted takes its place (every relation that targeted the
     component targets the substitute). A catalog replacement is an **offer** of the same
     kind and capability (``candidates._capabilities``) whose organization's whole
     control chain is home or trusted, and which holds every certification that
     ``candidates._required_certifications`` names. It keeps the component and models the change: ``supplier`` becomes the
     offer's organization; ``location`` where the offer runs, home first (unknown when the
     catalog lists none in the trusted area); ``certifications`` the offer's cited ones;
     and the relations to the old provider's own components (its sites, staff, energy:
     any component whose supplier is in the old control chain) are dropped. Offers that
     would model the same change are evaluated once, the preferred one (home, then
     trusted, then built on a foreign stack; then the smallest id) measured and the others
     listed as alternatives. A foreign failing component with no candidate at all is
     reported (``NoOffer``), e.g. "no trusted accelerator offer in the catalog";
   * *replace a supplier everywhere* (source ``catalog``, id ``replace-supplier:S:catalog:O``):
     the decision an estate makes. For each foreign supplier S with two or more failing
     components that a trusted organization O can replace like for like, one step replaces
     each of them by O's offer for it, modelled as the single-component replacement is.
     O covers a component only with an offer as preferred as the best one for it (home,
     trusted, on a foreign stack) and located in the trusted area when the best one is, so
     one contract never costs a component a better offer. (Rewiring a host already moves
     everything on it at once.)
   * *establish* (source ``fact``): each unknown fact that costs score. sovcheck cannot
     invent facts: the step says "establish <field> of <component>; if it is <value>, the
     score changes by d", d being measured with the favourable value set. Later steps are
     computed on that assumption, and the report says so.

   After any change, components that the entrypoints reached before and reach no longer
   (through any relation) and that nothing refers to any more are dropped, as they would
   be decommissioned.
4. **Greedy search.** Every candidate is applied to a copy and the audit re-run, without
   the findings' messages and paths, which a score does not need (in an inventory with
   more than 32 candidates, in batches of 32, those with the most points at stake first,
   stopping at the first batch where one helps: see ``search._batches``). Its gain is the
   sum, over the target lines still below target, of min(score change, remaining gap),
   minus what it costs lines already at target that it pushes below, on unrounded
   scores; with a level target, ties on that gain go to the candidate that removes more
   failing findings too severe for the level. Ties that remain (lines capped at their
   target gain the same) go to the larger unrounded change of the overall score, so that a
   replacement that leaves a fact unknown does not win over one that states it just for
   its id. Then to what already exists (a
   named substitute, then a host in the inventory), then to a catalog replacement (home,
   then trusted, then on a foreign stack), then to establishing a fact, and last to the
   smallest candidate id. The best candidate becomes the next step, confirmed by a full
   audit, and the search restarts from the modified inventory. It stops when the target
   is reached, when no candidate has a positive gain, or after 10 steps. Greedy is not
   optimal (a weakest-link rule may need two steps before either shows a gain); the plan
   is a reasoned order, not a proof of the shortest path.
5. **Dependencies.** A step that moves processing onto a host depends on that host
   existing (an inventory component, or a contract with the catalog organization); a step
   about a component an earlier step modelled depends on that earlier step.

``whatif`` applies ``--replace ID=OTHER`` and ``--set ID.field=value`` to a copy of the
inventory (never the file) and audits both. ``diff`` compares two inventories or saved
JSON reports: components, findings keyed by (rule, component), scores, levels and gates.
"""

from __future__ import annotations

from sovcheck.plan.diff import DiffReport, DiffSide, FindingChange, diff, load_side
from sovcheck.plan.edits import Edits, apply_edits
from sovcheck.plan.report import GapReport, ScoreChange, Step, TargetLine
from sovcheck.plan.search import MAX_STEPS, plan_edits, plan_gap
from sovcheck.plan.targets import FailUnder, Minimums, Target, TargetLevel, rubric_minimums
from sovcheck.plan.whatif import parse_replace, parse_set, whatif, whatif_diff, whatif_inventory

__all__ = [
    "MAX_STEPS",
    "DiffReport",
    "DiffSide",
    "Edits",
    "FailUnder",
    "FindingChange",
    "GapReport",
    "Minimums",
    "ScoreChange",
    "Step",
    "Target",
    "TargetLevel",
    "TargetLine",
    "apply_edits",
    "diff",
    "load_side",
    "parse_replace",
    "parse_set",
    "plan_edits",
    "plan_gap",
    "rubric_minimums",
    "whatif",
    "whatif_diff",
    "whatif_inventory",
]
