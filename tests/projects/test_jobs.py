"""Reminders through the scheduler: due in 7 days, due today, overdue; acceptance due
and overdue; each sent once however often ``jobs run`` runs; the bureau's home page
flags overdue acceptance."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from app.core.jobs import run_jobs
from app.core.models import OutboxMessage
from app.core.timeutil import local_to_utc
from app.extensions import db
from app.projects.queries import is_acceptance_overdue, project_health
from app.projects.reminders import send_reminders
from app.projects.reporting import acceptance_due_on


def _at(day):
    return local_to_utc(datetime.combine(day, time(9, 0)))


def _kinds():
    return sorted(m.payload["kind"] for m in db.session.scalars(sa.select(OutboxMessage)))


def test_milestone_reminders_once_each(pm):
    challenge, (project,), (user,) = pm.projects(slots=1)
    db.session.query(OutboxMessage).delete()
    db.session.commit()
    due = project.milestones[0].due_on
    assert send_reminders(_at(due - timedelta(days=8))) == {"milestone": 0, "acceptance": 0}
    assert send_reminders(_at(due - timedelta(days=7)))["milestone"] == 1
    assert send_reminders(_at(due - timedelta(days=7)))["milestone"] == 0   # not twice
    assert send_reminders(_at(due))["milestone"] == 1
    assert send_reminders(_at(due + timedelta(days=1)))["milestone"] >= 1
    assert send_reminders(_at(due + timedelta(days=2)))["milestone"] == 0
    db.session.commit()
    kinds = _kinds()
    assert kinds.count("milestone.due_soon") == 1 and kinds.count("milestone.due_today") == 1
    assert "milestone.overdue" in kinds
    assert project_health(project, due + timedelta(days=1)) == "overdue"
    assert project_health(project, due - timedelta(days=30)) in ("on_track", "at_risk")


def test_acceptance_due_and_overdue(pm):
    challenge, (project,), (user,) = pm.projects(slots=1)
    due = acceptance_due_on(project)
    send_reminders(_at(project.end_on))
    send_reminders(_at(due + timedelta(days=1)))
    db.session.commit()
    kinds = _kinds()
    assert "acceptance.due" in kinds and "acceptance.overdue" in kinds
    assert is_acceptance_overdue(project, due + timedelta(days=1))
    assert not is_acceptance_overdue(project, due)


def test_registered_in_jobs_run(pm):
    pm.projects(slots=1)
    summary = run_jobs()
    assert "projects.reminders" in summary
