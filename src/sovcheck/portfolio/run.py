"""Audit a portfolio's inventories across processes, in path order.

Each worker loads the catalog and the rubric once, audits one inventory at a time and
sends back its summary (a few kilobytes): the parent never holds a report, so its memory
is the aggregate's, and each worker's is one audit's. Results come back in the order of
the paths, whatever the number of workers, so the output does not depend on it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from sovcheck.audit import AuditOptions, audit_with_facts
from sovcheck.catalog import builtin_catalog
from sovcheck.errors import InputError
from sovcheck.load.inventory import load_for_catalog
from sovcheck.load.rubric import LoadedRubric
from sovcheck.portfolio.aggregate import BadInventory
from sovcheck.portfolio.summary import SystemSummary, summarise


@dataclass(frozen=True)
class Job:
    rubric: LoadedRubric
    options: AuditOptions


_job: Job | None = None


def _start(job: Job) -> None:
    global _job
    _job = job
    builtin_catalog()  # once per worker, before the first inventory


def audit_one(path: Path, job: Job) -> SystemSummary | BadInventory:
    catalog = builtin_catalog()
    try:
        loaded = load_for_catalog(path, catalog)
        report, facts = audit_with_facts(loaded, job.rubric, catalog, job.options)
    except InputError as exc:
        return BadInventory(path=str(path), problems=tuple(exc.lines()))
    except OSError as exc:
        return BadInventory(path=str(path), problems=(f"{path}: {exc.strerror or exc}",))
    return summarise(report, facts)


def _in_worker(path: Path) -> SystemSummary | BadInventory:
    assert _job is not None
    return audit_one(path, _job)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def audit_all(paths: Sequence[Path], job: Job, jobs: int) -> Iterator[SystemSummary | BadInventory]:
    """Each path's summary (or why it could not be audited), in the order of ``paths``."""
    if jobs <= 1 or len(paths) <= 1:
        for path in paths:
            yield audit_one(path, job)
        return
    # fork: the workers start with the parent's catalog and rubric, without re-importing
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # chunks small enough to balance uneven inventories, large enough to amortise the IPC
    chunk = max(1, min(16, len(paths) // (jobs * 8)))
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(paths)), mp_context=context, initializer=_start, initargs=(job,)
    ) as pool:
        yield from pool.map(_in_worker, paths, chunksize=chunk)
