"""Reminders through the scheduler (see ``cli.py``). Nothing here commits: ``jobs run``
wraps the job in its own unit of work."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..core.timeutil import chinese_date, to_local
from ..extensions import db
from ..notifications.operations import notify
from . import rules
from .models import Project, ProjectReminder, ProjectState
from .operations import bureau_staff, team_of
from .reporting import acceptance_due_on

KINDS = {"due7": "milestone.due_soon", "due0": "milestone.due_today", "overdue": "milestone.overdue"}


def _once(key: str, project: Project) -> bool:
    """Record reminder ``key``; False when it was already sent."""
    if db.session.scalar(sa.select(ProjectReminder.id).where(ProjectReminder.key == key)):
        return False
    db.session.add(ProjectReminder(key=key, project_id=project.id))
    db.session.flush()
    return True


def send_reminders(now: datetime) -> dict:
    today = to_local(now).date()
    counts = {"milestone": 0, "acceptance": 0}
    for project in db.session.scalars(sa.select(Project).where(Project.state == ProjectState.RUNNING)):
        team = team_of(project)
        for milestone in project.milestones:
            if milestone.state.value not in ("pending", "needs_fix"):
                continue
            due = milestone.report_due_on
            kind = rules.reminder_kind(due, today)
            if kind and _once(f"m{milestone.id}:{kind}:{due.isoformat()}", project):
                notify(KINDS[kind], team + (bureau_staff() if kind == "overdue" else []), title=project.title,
                       milestone=milestone.name, due=chinese_date(due), project_id=project.id)
                counts["milestone"] += 1
        due = acceptance_due_on(project)
        if today >= project.end_on and _once(f"p{project.id}:acceptance_due:{project.end_on.isoformat()}", project):
            notify("acceptance.due", team, title=project.title, due=chinese_date(due), project_id=project.id)
            counts["acceptance"] += 1
        if today > due and _once(f"p{project.id}:acceptance_overdue:{due.isoformat()}", project):
            notify("acceptance.overdue", team + bureau_staff(), title=project.title, due=chinese_date(due),
                   project_id=project.id)
            counts["acceptance"] += 1
    return counts
