"""Read-only views of projects: health, the race comparison, the programme overview and
the SVG charts (computed from the clock; a GET never writes)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..bids.models import Bid
from ..challenges.models import Challenge, ChallengeState
from ..extensions import db
from . import rules
from .models import ACTIVE_STATES, MilestoneReport, Project, ProjectMilestone, ProjectState, RaceDecision
from .money import paid_fen, spent_fen
from .reporting import acceptance_due_on, report_score


def project_health(project: Project, today: date) -> str:
    return rules.health(
        active=project.is_active,
        milestones=[rules.MilestoneFacts(m.state.value, m.report_due_on) for m in project.milestones],
        today=today, end_on=project.end_on, final_submitted=project.state is not ProjectState.RUNNING,
        acceptance_due=acceptance_due_on(project))


def is_acceptance_overdue(project: Project, today: date) -> bool:
    return project.state is ProjectState.RUNNING and today > acceptance_due_on(project)


def projects_select(*, challenge_id=None, state=None, organisation_id=None):
    stmt = (sa.select(Project).options(selectinload(Project.milestones).selectinload(ProjectMilestone.reports),
                                       selectinload(Project.challenge))
            .order_by(Project.id.desc()))
    if challenge_id:
        stmt = stmt.where(Project.challenge_id == challenge_id)
    if state:
        stmt = stmt.where(Project.state == state)
    if organisation_id:
        stmt = stmt.where(Project.organisation_id == organisation_id)
    return stmt


def filter_by_health(projects: list[Project], wanted: str | None, today: date) -> list[Project]:
    if not wanted:
        return projects
    return [p for p in projects if project_health(p, today) == wanted]


# -- the race comparison -------------------------------------------------------------------

@dataclass
class RaceRow:
    project: Project
    kpis: list[dict]          # name, target, measured, progress (0..1 or None)
    milestones: list[dict]    # name, state, score, due_on
    mean_progress: Decimal | None
    paid_fen: int
    spent_fen: int
    checkpoint_score: Decimal | None


def _latest_values(project: Project) -> dict[int, Decimal | None]:
    values: dict[int, Decimal | None] = {}
    reports = sorted((r for m in project.milestones for r in m.reports), key=lambda r: r.submitted_at)
    for report in reports:
        for v in report.values:
            values[v.kpi_id] = v.measured_value
    return values


def race_rows(challenge: Challenge) -> list[RaceRow]:
    from .operations import checkpoint_of, projects_of

    rows = []
    for project in projects_of(challenge):
        if project.state is ProjectState.PREPARING:
            continue
        values = _latest_values(project)
        kpis = []
        for k in project.kpis:
            value = values.get(k.id)
            kpis.append({"name": k.name, "unit": k.unit, "comparator": k.comparator, "target": k.target_value,
                         "measured": value, "progress": rules.kpi_progress(k.comparator, k.target_value, value)})
        progress = [k["progress"] for k in kpis if k["progress"] is not None]
        milestones = []
        for m in project.milestones:
            report = m.latest_report
            milestones.append({"name": m.name, "state": m.state, "due_on": m.due_on,
                               "score": report_score(report) if report is not None else None,
                               "is_checkpoint": m is checkpoint_of(project)})
        checkpoint = checkpoint_of(project)
        rows.append(RaceRow(project=project, kpis=kpis, milestones=milestones,
                            mean_progress=(sum(progress, Decimal(0)) / len(progress)).quantize(Decimal("0.001"))
                            if progress else None,
                            paid_fen=paid_fen(project), spent_fen=spent_fen(project),
                            checkpoint_score=report_score(checkpoint.latest_report)
                            if checkpoint is not None and checkpoint.latest_report is not None else None))
    return rows


def race_decision(challenge: Challenge) -> RaceDecision | None:
    return db.session.scalar(sa.select(RaceDecision).where(RaceDecision.challenge_id == challenge.id))


def race_challenges() -> list[Challenge]:
    """Challenges with more than one slot and projects: the ones that race."""
    ids = db.session.scalars(sa.select(Project.challenge_id).distinct())
    return list(db.session.scalars(sa.select(Challenge).where(Challenge.id.in_(list(ids)), Challenge.slots > 1)
                                   .order_by(Challenge.id)))


# -- the programme at a glance -------------------------------------------------------------

def programme(today: date) -> dict:
    by_state = dict(db.session.execute(sa.select(Challenge.state, sa.func.count(Challenge.id))
                                       .group_by(Challenge.state)).all())
    challenges = [{"label": s.label, "count": by_state.get(s, 0)} for s in ChallengeState]
    bids = db.session.execute(
        sa.select(Challenge.title, sa.func.count(Bid.id)).join(Bid, Bid.challenge_id == Challenge.id)
        .where(Bid.current_version_no >= 1).group_by(Challenge.id, Challenge.title)
        .order_by(sa.func.count(Bid.id).desc(), Challenge.title).limit(10)).all()
    projects = list(db.session.scalars(projects_select()))
    health = {key: 0 for key in rules.HEALTH_LABELS}
    for project in projects:
        health[project_health(project, today)] += 1
    approved = sum(p.fiscal_support_fen for p in projects if p.state not in (ProjectState.PREPARING,))
    paid = sum(paid_fen(p) for p in projects)
    overdue_acceptance = [p for p in projects if is_acceptance_overdue(p, today)]
    return {
        "challenges": challenges,
        "bids": [{"title": t, "count": n} for t, n in bids],
        "health": [{"key": k, "label": str(label), "count": health[k]} for k, label in rules.HEALTH_LABELS.items()],
        "approved_fen": approved, "paid_fen": paid,
        "active": sum(1 for p in projects if p.state in ACTIVE_STATES),
        "overdue_acceptance": overdue_acceptance,
        "pending_reports": db.session.scalar(sa.select(sa.func.count(MilestoneReport.id)).where(
            MilestoneReport.state.in_(("submitted", "under_review")))) or 0,
    }


def bar_chart(items: list[dict], *, value_key: str = "count", label_key: str = "label", width: int = 520,
              bar: int = 22) -> dict:
    """Geometry of a horizontal bar chart (the template draws the SVG)."""
    top = max([int(i[value_key]) for i in items] + [1])
    label_w = 190
    rows = []
    for n, item in enumerate(items):
        value = int(item[value_key])
        rows.append({"y": n * (bar + 8), "w": round((width - label_w - 60) * value / top, 1), "value": value,
                     "label": str(item[label_key])[:18]})
    return {"rows": rows, "height": max(len(items) * (bar + 8), bar), "width": width, "label_w": label_w,
            "bar": bar}


# -- timeline and race chart (SVG geometry) ----------------------------------------------------

def timeline(project: Project, today: date, width: int = 640) -> dict:
    """Milestones on a line from the start to the end date, with today's mark."""
    start, end = project.start_on, max(project.end_on, *(m.due_on for m in project.milestones), project.start_on)
    span = max((end - start).days, 1)
    left, right = 20, width - 20

    def x(day: date) -> float:
        return round(left + (right - left) * min(max((day - start).days, 0), span) / span, 1)

    points = [{"x": x(m.due_on), "name": m.name, "due_on": m.due_on, "state": m.state.value,
               "label": m.state.label, "overdue": m.is_overdue(today)} for m in project.milestones]
    return {"width": width, "start": start, "end": end, "today_x": x(today) if start <= today <= end else None,
            "end_x": x(project.end_on), "points": points, "left": left, "right": right}


def race_chart(rows: list[RaceRow], width: int = 640) -> dict:
    """One group of bars per project: mean KPI progress (%) and checkpoint score (of 100)."""
    bar = 18
    groups = []
    for n, row in enumerate(rows):
        progress = float(row.mean_progress or 0) * 100
        score = float(row.checkpoint_score or 0)
        groups.append({"y": n * (2 * bar + 26), "title": row.project.organisation.name[:20],
                       "progress": round(progress, 1), "score": round(score, 1),
                       "progress_w": round((width - 240) * progress / 100, 1),
                       "score_w": round((width - 240) * score / 100, 1)})
    return {"width": width, "height": max(len(rows), 1) * (2 * bar + 26) + 20, "bar": bar, "groups": groups}


def finance_projects(limit: int = 10) -> list[Project]:
    """Signed projects, newest first, for the finance officer's home page."""
    return list(db.session.scalars(sa.select(Project).where(Project.signed_on.is_not(None))
                                   .order_by(Project.id.desc()).limit(limit)))
