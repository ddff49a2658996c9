"""Factory helpers creating valid objects with sensible defaults (and committing)."""
from __future__ import annotations

import itertools

from app.auth import operations as auth_ops
from app.auth.models import OrgType, Role
from app.core import credit_code
from app.extensions import db

DEFAULT_PASSWORD = "Passw0rd-123"
_seq = itertools.count(1)


class Factories:
    def org(self, name: str | None = None, org_type: OrgType | str = OrgType.ENTERPRISE, **kwargs):
        n = next(_seq)
        name = name or f"测试单位{n}有限公司"
        org = auth_ops.create_organisation(
            name=name, org_type=OrgType(org_type), credit_code=kwargs.pop("credit_code", credit_code.synthetic(name)),
            **kwargs,
        )
        db.session.commit()
        return org

    def government_org(self, role: Role | str = Role.BUREAU):
        """焦作市科学技术局 (bureau) or 焦作市财政局 (finance), created once per test."""
        from app.auth.models import Organisation

        name = "焦作市财政局" if Role(role) is Role.FINANCE else "焦作市科学技术局"
        org = Organisation.query.filter_by(name=name).first()
        if org is None:
            # Inserted directly (no organisation_created audit event), so tests that count
            # audit events around a bureau/finance user see only their own events.
            org = Organisation(name=name, org_type=OrgType.GOVERNMENT, is_active=True,
                               credit_code=credit_code.synthetic(name, kind="11"), district="焦作市")
            db.session.add(org)
            db.session.commit()
        return org

    def user(self, role: Role | str = Role.APPLICANT, email: str | None = None,
             password: str = DEFAULT_PASSWORD, organisation=None, **kwargs):
        role = Role(role)
        n = next(_seq)
        if role is Role.APPLICANT and organisation is None:
            organisation = self.org()
        if role in (Role.BUREAU, Role.FINANCE) and organisation is None:
            organisation = self.government_org(role)
        user = auth_ops.create_user(
            email=email or f"{role.value}{n}@example.cn", name=kwargs.pop("name", f"用户{n}"),
            role=role, password=password, organisation=organisation, **kwargs,
        )
        db.session.commit()
        return user

    # -- challenges (app/challenges) ------------------------------------------------
    def challenge(self, state="draft", issuer=None, *, kpis=None, milestones=None, actor=None, **fields):
        """A valid challenge in ``state`` ("draft", "published", "closed", "under_review",
        "awarded", "in_progress", "finished", "cancelled"). ``fields`` override any
        ``ChallengeData`` value (``slots=3``, ``bid_deadline_at=...``, ``support_fen=...``).
        Published-or-later challenges get a Publication row but no PDF notice (fast)."""
        from datetime import timedelta
        from decimal import Decimal

        from app.challenges import operations as ch_ops
        from app.challenges.models import ChallengeState, Publication
        from app.challenges.rules import ChallengeData, KpiData, MilestoneData
        from app.core.timeutil import utcnow

        state = ChallengeState(state)
        n = next(_seq)
        now = utcnow()
        issuer = issuer or self.org(org_type=OrgType.ENTERPRISE, district=fields.pop("district", "武陟县"))
        actor = actor or self.user(role=Role.BUREAU)
        past = state not in (ChallengeState.DRAFT, ChallengeState.PUBLISHED, ChallengeState.CANCELLED)
        published_at = fields.pop("published_at", now - timedelta(days=40 if past else 1))
        slots = fields.get("slots", 1)
        values = dict(
            title=f"测试榜单{n}：关键材料制备技术", field="新材料", issuer_id=issuer.id,
            problem_statement="现有工艺无法满足性能要求，需要攻关。", time_limit_months=24,
            support_fen=300_000_000, issuer_funding_fen=300_000_000, ip_terms="双方共有",
            eligibility="具有相关研发基础的单位", contact_name="联系人", contact_phone="0391-1234567",
            contact_email="", bid_opens_at=published_at,
            bid_deadline_at=published_at + timedelta(days=35) if past else now + timedelta(days=30),
            slots=slots,
        )
        values.update(fields)
        if kpis is None:
            kpis = [KpiData("抗压强度", "ge", Decimal("30"), "MPa", "第三方检测"),
                    KpiData("固定率", "ge", Decimal("90.5"), "%", "第三方检测")]
        if milestones is None:
            milestones = [MilestoneData("启动", 0, 30), MilestoneData("中期", 12, 40, slots > 1),
                          MilestoneData("验收", 24, 30)]
        data = ChallengeData(**values, kpis=list(kpis), milestone_template=list(milestones))
        challenge = ch_ops.create_challenge(data, actor=actor, check=False)
        if state is not ChallengeState.DRAFT:
            if state is not ChallengeState.CANCELLED or fields.get("published", False):
                publication = Publication(published_at=published_at, published_by_id=actor.id)
                db.session.add(publication)
                challenge.publication = publication
                challenge.published_at = published_at
            if past:
                challenge.closed_at = challenge.bid_deadline_at
            if state is ChallengeState.CANCELLED:
                challenge.cancel_reason = "测试撤榜"
            challenge.state = state
        db.session.commit()
        return challenge

    def demand(self, state="draft", organisation=None, *, user=None, bureau=None, **fields):
        """A demand filed by an enterprise user, moved to ``state`` through the operations."""
        from app.demands import operations as d_ops

        user = user or self.user(role=Role.APPLICANT, organisation=organisation or self.org(org_type=OrgType.ENTERPRISE))
        n = next(_seq)
        values = dict(
            title=f"测试需求{n}", field="新材料", problem="关键技术难题描述", core_indicators="强度≥30MPa",
            time_limit_months=24, ip_ownership="双方共有", own_funding_fen=500_000_000,
            solver_conditions="高校或科研院所", cannot_solve_alone=True, contact_name="张工",
            contact_phone="0391-7654321",
        )
        values.update(fields)
        demand = d_ops.save_demand(None, d_ops.DemandData(**values), actor=user)
        if state != "draft":
            d_ops.submit_demand(demand, actor=user)
        if state in ("accepted", "rejected", "returned"):
            bureau = bureau or self.user(role=Role.BUREAU)
            operation = {"accepted": d_ops.accept_demand, "rejected": d_ops.reject_demand,
                         "returned": d_ops.return_demand}[state]
            operation(demand, actor=bureau, reason=None if state == "accepted" else "请补充材料")
        db.session.commit()
        return demand

    # -- bids (app/bids) ----------------------------------------------------------------
    def bid_data(self, bid, members=(), **fields):
        """Complete, valid content for ``bid`` (rules 4-9 satisfied); ``fields`` override."""
        from app.bids.operations import BidData
        from app.bids.rules import PlannedMilestone

        challenge = bid.challenge
        fiscal = min(challenge.support_fen, 200_000_000)
        ratio = 1 if bid.organisation.org_type.is_academic else 2
        values = dict(
            title=f"{bid.organisation.name}关于{challenge.title}的攻关方案", leader_name="王教授",
            leader_title="教授", leader_phone="13800000000", leader_email="leader@example.cn",
            technical_plan="<p>技术路线：先小试后中试。</p>", fiscal_support_fen=fiscal,
            issuer_funding_fen=challenge.issuer_funding_fen, self_funding_fen=max(ratio * fiscal, 500_000_000),
            member_ids=[m.id for m in members],
            kpi_answers={k.id: (k.target_value, "第三方检测报告") for k in challenge.kpis},
            milestones=[PlannedMilestone(m.name, m.due_on, m.tranche_percent, f"{m.name}阶段成果")
                        for m in bid.milestones],
        )
        values.update(fields)
        return BidData(**values)

    def bid(self, challenge=None, state="submitted", organisation=None, *, user=None, members=(),
            bureau=None, reason="缺少签字盖章页", signed=None, **fields):
        """A bid in ``state``: "draft", "submitted", "withdrawn", or (opened after the
        deadline, which is moved to the past) "opened", "passed", "failed". ``signed``
        (default: for "passed") uploads a 签字盖章页 before submitting, which formal
        review requires for a pass."""
        from datetime import timedelta
        from io import BytesIO

        from app.bids.models import AttachmentKind

        from app.bids import operations as bid_ops
        from app.bids import formal_review as review_ops
        from app.bids.seal import is_opened
        from app.challenges.models import ChallengeState
        from app.core.timeutil import utcnow

        challenge = challenge or self.challenge(state="published")
        if user is None:
            organisation = organisation or self.org(org_type=OrgType.UNIVERSITY)
            user = self.user(role=Role.APPLICANT, organisation=organisation)
        bid = bid_ops.start_bid(challenge, actor=user)
        bid_ops.save_bid(bid, self.bid_data(bid, members, **fields), actor=user)
        if signed or (signed is None and state == "passed"):
            bid_ops.add_attachment(bid, BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
                                   "签字盖章页.pdf", AttachmentKind.SIGNED, actor=user)
        if state != "draft":
            bid_ops.submit_bid(bid, actor=user, base_version=bid.current_version_no)
        if state == "withdrawn":
            bid_ops.withdraw_bid(bid, actor=user)
        if state in ("opened", "passed", "failed"):
            now = utcnow()
            if not challenge.is_past_deadline(now):
                challenge.bid_deadline_at = now - timedelta(seconds=1)
                challenge.closed_at = now
                challenge.state = ChallengeState.CLOSED
            bureau = bureau or self.user(role=Role.BUREAU)
            if not is_opened(challenge):
                review_ops.open_bids(challenge, actor=bureau)
            if state != "opened":
                passed = state == "passed"
                review_ops.review_bid(bid, actor=bureau, is_complete=True, is_eligible=True,
                                      is_passed=passed, reason=None if passed else reason)
        db.session.commit()
        return bid

    # -- reviews (app/reviews) ----------------------------------------------------------
    def award(self, challenge, bids, *, bureau=None, publicity_over=True):
        """Mark ``bids`` as the challenge's winners the way the award leaves them: a review
        round, one Award per bid in rank order, and a 公示 whose window has ended (or is
        still open with ``publicity_over=False``). For stages after the award."""
        from datetime import timedelta

        from app.core.timeutil import utcnow
        from app.documents.operations import issue_document
        from app.reviews.models import Award, Publicity, ReviewRound

        bureau = bureau or self.user(role=Role.BUREAU)
        round_ = ReviewRound.query.filter_by(challenge_id=challenge.id).first()
        if round_ is None:
            round_ = ReviewRound(challenge_id=challenge.id, panel_size=5, created_by_id=bureau.id,
                                 scoring_deadline_at=utcnow() - timedelta(days=20))
            db.session.add(round_)
            db.session.flush()
        for rank, bid in enumerate(bids, start=1):
            db.session.add(Award(round_id=round_.id, bid_id=bid.id, rank_at_award=rank, rationale="",
                                 awarded_by_id=bureau.id))
        doc = issue_document("notice", {"title": f"关于{challenge.title}揭榜结果的公示",
                                        "body": ["经专家评审，现将拟立项揭榜单位予以公示。"]},
                             subject=challenge, actor=bureau, addressee="社会各界")
        now = utcnow()
        starts, ends = ((now - timedelta(days=12), now - timedelta(days=2)) if publicity_over
                        else (now - timedelta(days=1), now + timedelta(days=9)))
        db.session.add(Publicity(challenge_id=challenge.id, document_id=doc.id, starts_at=starts, ends_at=ends,
                                 working_days=7, issued_by_id=bureau.id))
        db.session.commit()
        return round_
