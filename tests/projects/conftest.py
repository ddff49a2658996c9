"""Factories for projects: a challenge with winners (an award and an ended 公示, see
``make.award``), approved projects, experts of the challenge's field, and helpers that walk a project
through signing, reports, scoring and decisions with the real operations."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest

from app.auth.expert_operations import ExpertData, save_expert_profile
from app.auth.models import OrgType, Role
from app.bids import formal_review as review_ops
from app.bids.seal import is_opened
from app.challenges.models import ChallengeState
from app.core.timeutil import local_today, utcnow
from app.extensions import db
from app.projects import operations as ops, reporting
from app.projects.models import Project

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


class ProjectFactories:
    def __init__(self, make):
        self.make = make
        self.bureau = make.user(role=Role.BUREAU)

    def experts(self, n=4, field="新材料"):
        users = []
        for _ in range(n):
            expert = self.make.user(role=Role.EXPERT)
            save_expert_profile(expert, ExpertData(title="教授", fields=[field]), actor=None)
            users.append(expert)
        db.session.commit()
        return users

    def winners(self, slots=2, n=None):
        """A closed challenge with ``n`` (default ``slots``) bids that passed formal review, marked as winners."""
        challenge = self.make.challenge(state="published", slots=slots)
        teams = []
        for _ in range(n or slots):
            org = self.make.org(org_type=OrgType.UNIVERSITY)
            user = self.make.user(role=Role.APPLICANT, organisation=org)
            teams.append((self.make.bid(challenge, state="submitted", user=user, signed=True), user))
        challenge.bid_deadline_at = utcnow() - timedelta(seconds=1)
        challenge.closed_at = utcnow()
        challenge.state = ChallengeState.CLOSED
        if not is_opened(challenge):
            review_ops.open_bids(challenge, actor=self.bureau)
        for bid, _user in teams:
            review_ops.review_bid(bid, actor=self.bureau, is_complete=True, is_eligible=True,
                                  is_passed=True, reason=None)
        self.make.award(challenge, [b for b, _u in teams], bureau=self.bureau)
        db.session.commit()
        return challenge, teams

    def projects(self, slots=2, signed=True):
        challenge, teams = self.winners(slots)
        projects = ops.approve_projects(challenge, actor=self.bureau)
        db.session.commit()
        users = [u for _b, u in teams]
        if signed:
            for project, user in zip(projects, users):
                self.sign(project, user)
        return challenge, projects, users

    def sign(self, project, user):
        ops.upload_agreement(project, BytesIO(PDF), "协议.pdf", actor=user)
        ops.sign_project(project, signed_on=local_today(), actor=self.bureau)
        db.session.commit()

    def report_data(self, project, value="35", spent=1_000_000_00, **overrides):
        values = {k.id: (Decimal(value), "第三方检测") for k in project.kpis}
        data = dict(progress="按计划完成中试。", deliverables="中试线", spent_fen=spent, values=values)
        data.update(overrides)
        return reporting.ReportData(**data)

    def report(self, milestone, user, **kwargs):
        report = reporting.submit_report(milestone, self.report_data(milestone.project, **kwargs), actor=user)
        db.session.commit()
        return report

    def scored(self, report, experts, score=Decimal("20")):
        """Draw a panel of 3 from ``experts`` and have every drawn expert score ``score`` per criterion
        (capped at the criterion's maximum)."""
        from app.projects.rules import CRITERIA

        reviews = reporting.draw_report_panel(report, actor=self.bureau, size=3)
        db.session.commit()
        by_id = {e.id: e for e in experts}
        for review in reviews:
            reporting.score_report(review, scores={k: min(score, Decimal(m)) for k, _l, m in CRITERIA},
                                   comment="良好", actor=by_id[review.expert_id])
        db.session.commit()
        return report

    def passed(self, milestone, user, experts):
        report = self.scored(self.report(milestone, user), experts)
        reporting.decide_report(report, outcome="pass", reason="", fix_due_on=None, actor=self.bureau)
        db.session.commit()
        return report


@pytest.fixture
def pm(make):
    return ProjectFactories(make)


def reload(project) -> Project:
    db.session.expire_all()
    return db.session.get(Project, project.id)
