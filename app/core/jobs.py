"""The scheduler: time-driven changes run from one idempotent command.

``flask --app wsgi jobs run`` is safe every minute from cron or a systemd timer.
A lock row (``job_locks``, taken with a conditional UPDATE that works the same on
SQLite and PostgreSQL and across machines) keeps two runs from overlapping; each
job runs in its own unit of work, so one failing job does not undo the others.
Domains register their jobs at import time::

    register_job("challenges.close_due", close_due_challenges_job, order=10)

A job is a function of ``now`` returning a short summary (a dict of counts).
"""
from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..extensions import db
from .models import JobLock
from .timeutil import utcnow
from .uow import unit_of_work

log = logging.getLogger("jiebang.jobs")

LOCK_NAME = "jobs-run"
LOCK_SECONDS = 600


@dataclass(frozen=True)
class Job:
    name: str
    run: object
    order: int = 100


_JOBS: dict[str, Job] = {}


def register_job(name: str, run, order: int = 100) -> None:
    _JOBS[name] = Job(name, run, order)


def registered_jobs() -> list[Job]:
    return sorted(_JOBS.values(), key=lambda j: (j.order, j.name))


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def acquire_lock(now: datetime, holder: str, seconds: int = LOCK_SECONDS) -> bool:
    table = JobLock.__table__
    until = now + timedelta(seconds=seconds)
    with db.engine.begin() as conn:
        taken = conn.execute(sa.update(table).where(
            table.c.name == LOCK_NAME,
            sa.or_(table.c.locked_until.is_(None), table.c.locked_until < now))
            .values(holder=holder, locked_until=until)).rowcount
        if taken:
            return True
        exists = conn.execute(sa.select(table.c.name).where(table.c.name == LOCK_NAME)).first()
    if exists:
        return False
    try:
        with db.engine.begin() as conn:
            conn.execute(sa.insert(table).values(name=LOCK_NAME, holder=holder, locked_until=until))
        return True
    except sa.exc.IntegrityError:  # another run inserted it first
        return False


def release_lock(holder: str) -> None:
    table = JobLock.__table__
    with db.engine.begin() as conn:
        conn.execute(sa.update(table).where(table.c.name == LOCK_NAME, table.c.holder == holder)
                     .values(holder=None, locked_until=None))


def run_jobs(now: datetime | None = None, only: list[str] | None = None) -> dict | None:
    """Run every registered job once. Returns {job: summary}, or None when another
    run holds the lock."""
    now = now or utcnow()
    holder = _holder()
    if not acquire_lock(now, holder):
        return None
    results: dict = {}
    try:
        for job in registered_jobs():
            if only and job.name not in only:
                continue
            try:
                with unit_of_work():
                    results[job.name] = job.run(now) or {}
            except Exception as exc:
                log.exception("job %s failed", job.name)
                results[job.name] = {"error": f"{exc.__class__.__name__}: {exc}"}
    finally:
        release_lock(holder)
    return results


def _retry_outbox(now):
    from . import outbox

    return outbox.dispatch_due()


register_job("outbox.deliver", _retry_outbox, order=1000)
