"""Projects (立项): the agreement prepared from a winning bid, its KPIs and milestones,
milestone reports scored by experts, the horse race's down-select, extension,
acceptance (验收) and termination (终止 / 追回).

States are enums with CHECK constraints; the allowed moves are the transition tables
below (one per entity), walked by ``tests/projects/test_transitions.py``.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import Role
from ..core.enums import EnumType, LabelledEnum
from ..core.timeutil import utcnow
from ..core.transitions import SYSTEM, TransitionTable
from ..core.types import Money, UTCDateTime
from ..extensions import db

APPLICANT = Role.APPLICANT.value
BUREAU = Role.BUREAU.value
EXPERT = Role.EXPERT.value


# -- projects --------------------------------------------------------------------------

class ProjectState(LabelledEnum):
    PREPARING = "preparing", _l("待签约")
    RUNNING = "running", _l("实施中")
    FINAL_SUBMITTED = "final_submitted", _l("验收材料已提交")
    ACCEPTED = "accepted", _l("验收通过")
    ACCEPTANCE_FAILED = "acceptance_failed", _l("验收不通过")
    ELIMINATED = "eliminated", _l("已淘汰")
    TERMINATED = "terminated", _l("已终止")
    REVOKED = "revoked", _l("已撤销")


P = ProjectState
PROJECT_TRANSITIONS = (
    TransitionTable(ProjectState)
    .add(P.PREPARING, P.RUNNING, [BUREAU])                                   # agreement signed
    .add(P.RUNNING, P.FINAL_SUBMITTED, [APPLICANT])                          # final materials
    .add(P.FINAL_SUBMITTED, P.ACCEPTED, [BUREAU])
    .add(P.FINAL_SUBMITTED, P.ACCEPTANCE_FAILED, [BUREAU], reason_required=True)
    .add(P.RUNNING, P.ELIMINATED, [BUREAU], reason_required=True)            # horse race
)
for _from in (P.PREPARING, P.RUNNING, P.FINAL_SUBMITTED):
    PROJECT_TRANSITIONS.add(_from, P.TERMINATED, [BUREAU], reason_required=True)
    PROJECT_TRANSITIONS.add(_from, P.REVOKED, [BUREAU], reason_required=True)

ACTIVE_STATES = frozenset({P.PREPARING, P.RUNNING, P.FINAL_SUBMITTED})
ENDED_EARLY = frozenset({P.ELIMINATED, P.TERMINATED, P.REVOKED})
FINISHED_STATES = frozenset({P.ACCEPTED, P.ACCEPTANCE_FAILED})
# Rule 16: no payment in these states (finance asks ``Project.is_payable``).
NO_PAYMENT_STATES = ENDED_EARLY


class Project(db.Model):
    """One project per winning bid (立项), prepared from the bid's submitted version."""

    __tablename__ = "projects"
    __table_args__ = (
        sa.CheckConstraint("fiscal_support_fen >= 0 AND issuer_funding_fen >= 0 AND self_funding_fen >= 0",
                           name="amounts_non_negative"),
        sa.CheckConstraint("end_on > start_on", name="end_after_start"),
        sa.CheckConstraint("original_end_on <= end_on", name="end_never_earlier"),
        sa.CheckConstraint("state IN ('preparing', 'terminated', 'revoked') OR signed_on IS NOT NULL",
                           name="running_is_signed"),
        sa.CheckConstraint("(signed_on IS NULL) OR (agreement_sha256 IS NOT NULL)", name="signed_has_agreement"),
        sa.CheckConstraint("agreement_sha256 IS NULL OR length(agreement_sha256) = 64",
                           name="agreement_sha256_length"),
        sa.CheckConstraint("(state IN ('eliminated', 'terminated', 'revoked')) = (ended_at IS NOT NULL)",
                           name="ended_has_time"),
    )
    __transitions__ = PROJECT_TRANSITIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="RESTRICT"), index=True)
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("bids.id", ondelete="RESTRICT"), unique=True)
    bid_version_no: Mapped[int] = mapped_column(sa.Integer)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"),
                                                 index=True)
    state: Mapped[ProjectState] = mapped_column(EnumType(ProjectState, "project_state"),
                                                default=ProjectState.PREPARING, index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    leader: Mapped[str] = mapped_column(sa.String(300), default="")
    fiscal_support_fen: Mapped[int] = mapped_column(Money)
    issuer_funding_fen: Mapped[int] = mapped_column(Money)
    self_funding_fen: Mapped[int] = mapped_column(Money)
    ip_terms: Mapped[str] = mapped_column(sa.Text, default="")
    start_on: Mapped[date] = mapped_column(sa.Date)
    original_end_on: Mapped[date] = mapped_column(sa.Date)
    end_on: Mapped[date] = mapped_column(sa.Date)
    agreement_name: Mapped[str | None] = mapped_column(sa.String(200))
    agreement_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    agreement_size: Mapped[int | None] = mapped_column(sa.BigInteger)
    agreement_uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_on: Mapped[date | None] = mapped_column(sa.Date)
    approved_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge = relationship("Challenge")
    bid = relationship("Bid")
    organisation = relationship("Organisation")
    members = relationship("ProjectMember", back_populates="project", order_by="ProjectMember.position",
                           cascade="all, delete-orphan")
    kpis = relationship("ProjectKpi", back_populates="project", order_by="ProjectKpi.position",
                        cascade="all, delete-orphan")
    milestones = relationship("ProjectMilestone", back_populates="project", order_by="ProjectMilestone.position",
                              cascade="all, delete-orphan")
    extension = relationship("ProjectExtension", back_populates="project", uselist=False)
    acceptance = relationship("Acceptance", back_populates="project", uselist=False)
    termination = relationship("Termination", back_populates="project", uselist=False)

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.state.value}>"

    @property
    def total_fen(self) -> int:
        return self.fiscal_support_fen + self.issuer_funding_fen + self.self_funding_fen

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def is_payable(self) -> bool:
        """Rule 16: finance pays nothing once the project was eliminated, terminated or revoked."""
        return self.state not in NO_PAYMENT_STATES

    def milestone(self, milestone_id: int):
        return next((m for m in self.milestones if m.id == milestone_id), None)

    # -- who may do what ----------------------------------------------------------------
    def is_team(self, user) -> bool:
        """The lead unit's users (they report, upload, request)."""
        return (getattr(user, "is_authenticated", False) and user.role is Role.APPLICANT
                and user.organisation_id is not None and user.organisation_id == self.organisation_id)

    def is_party(self, user) -> bool:
        """Lead unit, consortium members and the issuing enterprise may read the project."""
        if not (getattr(user, "is_authenticated", False) and user.role is Role.APPLICANT
                and user.organisation_id is not None):
            return False
        org = user.organisation_id
        return (org == self.organisation_id or org == self.challenge.issuer_id
                or any(m.organisation_id == org for m in self.members))

    def can_view(self, user) -> bool:
        return self.is_party(user) or (getattr(user, "is_authenticated", False)
                                       and user.role in (Role.BUREAU, Role.ADMIN, Role.FINANCE))

    def can_upload_agreement(self, user) -> bool:
        return self.is_team(user) and self.state is ProjectState.PREPARING

    def can_request_extension(self, user) -> bool:
        return self.is_team(user) and self.state is ProjectState.RUNNING and self.extension is None

    def can_submit_final(self, user, today: date) -> bool:
        return self.is_team(user) and self.state is ProjectState.RUNNING and today >= self.end_on


class ProjectMember(db.Model):
    """A consortium member of the project (from the bid's submitted version)."""

    __tablename__ = "project_members"
    __table_args__ = (sa.UniqueConstraint("project_id", "organisation_id"),
                      sa.UniqueConstraint("project_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"),
                                                 index=True)
    position: Mapped[int] = mapped_column(sa.Integer)

    project = relationship("Project", back_populates="members")
    organisation = relationship("Organisation")


class ProjectKpi(db.Model):
    """A KPI of the agreement: the challenge's target and the value the bid committed."""

    __tablename__ = "project_kpis"
    __table_args__ = (sa.UniqueConstraint("project_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(200))
    comparator: Mapped[str] = mapped_column(sa.String(4))
    target_value: Mapped[Decimal] = mapped_column(sa.Numeric(20, 6))
    committed_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(20, 6))
    unit: Mapped[str] = mapped_column(sa.String(32), default="")
    verification: Mapped[str] = mapped_column(sa.Text, default="")

    project = relationship("Project", back_populates="kpis")


# -- milestones ------------------------------------------------------------------------

class MilestoneState(LabelledEnum):
    PENDING = "pending", _l("待提交报告")
    SUBMITTED = "submitted", _l("报告评审中")
    NEEDS_FIX = "needs_fix", _l("需整改")
    PASSED = "passed", _l("考核通过")
    FAILED = "failed", _l("考核不通过")
    CANCELLED = "cancelled", _l("已取消")


M = MilestoneState
MILESTONE_TRANSITIONS = (
    TransitionTable(MilestoneState)
    .add(M.PENDING, M.SUBMITTED, [APPLICANT])
    .add(M.NEEDS_FIX, M.SUBMITTED, [APPLICANT])                  # corrected report
    .add(M.SUBMITTED, M.PASSED, [BUREAU])
    .add(M.SUBMITTED, M.NEEDS_FIX, [BUREAU], reason_required=True)
    .add(M.SUBMITTED, M.FAILED, [BUREAU], reason_required=True)
)
for _from in (M.PENDING, M.SUBMITTED, M.NEEDS_FIX):
    MILESTONE_TRANSITIONS.add(_from, M.CANCELLED, [SYSTEM, BUREAU], reason_required=True)  # project ended
OPEN_MILESTONES = frozenset({M.PENDING, M.SUBMITTED, M.NEEDS_FIX})


class ProjectMilestone(db.Model):
    """A milestone of the agreement with its tranche percentage (from the bid's plan);
    finance builds the tranche schedule from ``tranche_percent`` (rule 15: they sum to 100)."""

    __tablename__ = "project_milestones"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "position"),
        sa.CheckConstraint("tranche_percent >= 0 AND tranche_percent <= 100", name="percent_range"),
        sa.CheckConstraint("original_due_on <= due_on", name="due_never_earlier"),
        sa.CheckConstraint("state != 'needs_fix' OR fix_due_on IS NOT NULL", name="fix_has_deadline"),
    )
    __transitions__ = MILESTONE_TRANSITIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(200))
    original_due_on: Mapped[date] = mapped_column(sa.Date)
    due_on: Mapped[date] = mapped_column(sa.Date, index=True)
    deliverable: Mapped[str] = mapped_column(sa.Text, default="")
    tranche_percent: Mapped[int] = mapped_column(sa.Integer)
    is_race_checkpoint: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    state: Mapped[MilestoneState] = mapped_column(EnumType(MilestoneState, "milestone_state"),
                                                  default=MilestoneState.PENDING, index=True)
    fix_due_on: Mapped[date | None] = mapped_column(sa.Date)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    project = relationship("Project", back_populates="milestones")
    reports = relationship("MilestoneReport", back_populates="milestone", order_by="MilestoneReport.version_no")

    @property
    def latest_report(self):
        return self.reports[-1] if self.reports else None

    @property
    def report_due_on(self) -> date:
        """The date the next report is due: the corrected report's deadline after 需整改."""
        return self.fix_due_on if self.state is MilestoneState.NEEDS_FIX and self.fix_due_on else self.due_on

    def is_overdue(self, today: date) -> bool:
        return self.state in (M.PENDING, M.NEEDS_FIX) and today > self.report_due_on


# -- milestone reports -------------------------------------------------------------------

class ReportState(LabelledEnum):
    SUBMITTED = "submitted", _l("待组织评审")
    UNDER_REVIEW = "under_review", _l("专家评审中")
    PASSED = "passed", _l("通过")
    NEEDS_FIX = "needs_fix", _l("需整改")
    FAILED = "failed", _l("不通过")
    VOID = "void", _l("已作废")


R = ReportState
REPORT_TRANSITIONS = (
    TransitionTable(ReportState)
    .add(R.SUBMITTED, R.UNDER_REVIEW, [BUREAU])                  # panel drawn
    .add(R.UNDER_REVIEW, R.PASSED, [BUREAU])
    .add(R.UNDER_REVIEW, R.NEEDS_FIX, [BUREAU], reason_required=True)
    .add(R.UNDER_REVIEW, R.FAILED, [BUREAU], reason_required=True)
    .add(R.SUBMITTED, R.VOID, [SYSTEM, BUREAU], reason_required=True)       # project ended
    .add(R.UNDER_REVIEW, R.VOID, [SYSTEM, BUREAU], reason_required=True)
)
DECIDED_REPORTS = frozenset({R.PASSED, R.NEEDS_FIX, R.FAILED})


class MilestoneReport(db.Model):
    """One submitted report on a milestone (a corrected report is version 2, ...).
    Immutable once submitted except for its review state and the bureau's decision."""

    __tablename__ = "milestone_reports"
    __table_args__ = (
        sa.UniqueConstraint("milestone_id", "version_no"),
        sa.CheckConstraint("version_no >= 1", name="version_positive"),
        sa.CheckConstraint("spent_fen >= 0", name="spent_non_negative"),
        sa.CheckConstraint("(state IN ('passed', 'needs_fix', 'failed')) = (decided_at IS NOT NULL)",
                           name="decided_has_time"),
        sa.CheckConstraint("state != 'needs_fix' OR fix_due_on IS NOT NULL", name="fix_has_deadline"),
        sa.CheckConstraint("state NOT IN ('needs_fix', 'failed') OR length(decision_reason) > 0",
                           name="refusal_has_reason"),
    )
    __transitions__ = REPORT_TRANSITIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(sa.ForeignKey("project_milestones.id", ondelete="RESTRICT"),
                                              index=True)
    version_no: Mapped[int] = mapped_column(sa.Integer)
    state: Mapped[ReportState] = mapped_column(EnumType(ReportState, "milestone_report_state"),
                                               default=ReportState.SUBMITTED, index=True)
    progress: Mapped[str] = mapped_column(sa.Text)
    deliverables: Mapped[str] = mapped_column(sa.Text, default="")
    spent_fen: Mapped[int] = mapped_column(Money)
    is_late: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    panel_seed: Mapped[str | None] = mapped_column(sa.String(64))
    panel_json: Mapped[str | None] = mapped_column(sa.Text)      # the draw: candidates, exclusions, chosen
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    fix_due_on: Mapped[date | None] = mapped_column(sa.Date)
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("issued_documents.id", ondelete="RESTRICT"))

    milestone = relationship("ProjectMilestone", back_populates="reports")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    values = relationship("ReportKpiValue", back_populates="report", cascade="all, delete-orphan")
    attachments = relationship("ReportAttachment", back_populates="report", order_by="ReportAttachment.id")
    reviews = relationship("ReportReview", back_populates="report", order_by="ReportReview.id")
    document = relationship("IssuedDocument")

    @property
    def project(self):
        return self.milestone.project

    def value_for(self, kpi_id: int):
        return next((v for v in self.values if v.kpi_id == kpi_id), None)

    @property
    def submitted_reviews(self) -> list:
        return [r for r in self.reviews if r.state is ReviewState.SUBMITTED]


class ReportKpiValue(db.Model):
    """The measured value of one KPI at the milestone."""

    __tablename__ = "report_kpi_values"
    __table_args__ = (sa.UniqueConstraint("report_id", "kpi_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("milestone_reports.id", ondelete="CASCADE"), index=True)
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("project_kpis.id", ondelete="RESTRICT"), index=True)
    measured_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(20, 6))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    report = relationship("MilestoneReport", back_populates="values")
    kpi = relationship("ProjectKpi")


class ReportAttachment(db.Model):
    """Evidence attached to a report; bytes in the blob store under ``sha256``."""

    __tablename__ = "report_attachments"
    __table_args__ = (sa.CheckConstraint("size_bytes > 0", name="not_empty"),
                      sa.CheckConstraint("length(sha256) = 64", name="sha256_length"))

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("milestone_reports.id", ondelete="RESTRICT"), index=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    content_type: Mapped[str] = mapped_column(sa.String(100))

    report = relationship("MilestoneReport", back_populates="attachments")


class ReviewState(LabelledEnum):
    ASSIGNED = "assigned", _l("待评分")
    SUBMITTED = "submitted", _l("已评分")
    RECUSED = "recused", _l("已回避")


V = ReviewState
REVIEW_TRANSITIONS = (
    TransitionTable(ReviewState)
    .add(V.ASSIGNED, V.SUBMITTED, [EXPERT])
    .add(V.ASSIGNED, V.RECUSED, [EXPERT], reason_required=True)
)


class ReportReview(db.Model):
    """One drawn expert's review of one report: a rating per criterion (``rules.CRITERIA``)."""

    __tablename__ = "report_reviews"
    __table_args__ = (
        sa.UniqueConstraint("report_id", "expert_id"),
        sa.CheckConstraint("(state = 'submitted') = (submitted_at IS NOT NULL)", name="submitted_has_time"),
        sa.CheckConstraint("state != 'recused' OR length(recuse_reason) > 0", name="recusal_has_reason"),
    )
    __transitions__ = REVIEW_TRANSITIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("milestone_reports.id", ondelete="RESTRICT"), index=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    state: Mapped[ReviewState] = mapped_column(EnumType(ReviewState, "report_review_state"),
                                               default=ReviewState.ASSIGNED, index=True)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    recuse_reason: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    report = relationship("MilestoneReport", back_populates="reviews")
    expert = relationship("User")
    ratings = relationship("ReportRating", back_populates="review", cascade="all, delete-orphan")

    @property
    def total(self) -> Decimal | None:
        if self.state is not ReviewState.SUBMITTED:
            return None
        return sum((r.score for r in self.ratings), Decimal(0))


class ReportRating(db.Model):
    __tablename__ = "report_ratings"
    __table_args__ = (sa.UniqueConstraint("review_id", "criterion"),
                      sa.CheckConstraint("score >= 0 AND score <= 100", name="score_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("report_reviews.id", ondelete="CASCADE"), index=True)
    criterion: Mapped[str] = mapped_column(sa.String(32))
    score: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))

    review = relationship("ReportReview", back_populates="ratings")


# -- the horse race -------------------------------------------------------------------------

class RaceDecision(db.Model):
    """The down-select at a challenge's comparison checkpoint (one per challenge)."""

    __tablename__ = "race_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="RESTRICT"), unique=True)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    summary: Mapped[str] = mapped_column(sa.Text, default="")

    outcomes = relationship("RaceOutcome", back_populates="decision", order_by="RaceOutcome.id")


class RaceOutcome(db.Model):
    __tablename__ = "race_outcomes"
    __table_args__ = (sa.CheckConstraint("continues OR length(reason) > 0", name="elimination_has_reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("race_decisions.id", ondelete="RESTRICT"), index=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="RESTRICT"), unique=True)
    continues: Mapped[bool] = mapped_column(sa.Boolean)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("issued_documents.id", ondelete="RESTRICT"))

    decision = relationship("RaceDecision", back_populates="outcomes")
    project = relationship("Project")


# -- extension (rule 18) -------------------------------------------------------------------

class ExtensionState(LabelledEnum):
    REQUESTED = "requested", _l("待审批")
    APPROVED = "approved", _l("已批准")
    REJECTED = "rejected", _l("不予批准")


E = ExtensionState
EXTENSION_TRANSITIONS = (
    TransitionTable(ExtensionState)
    .add(E.REQUESTED, E.APPROVED, [BUREAU])
    .add(E.REQUESTED, E.REJECTED, [BUREAU], reason_required=True)
)


class ProjectExtension(db.Model):
    """The one extension request a project may make (UNIQUE project_id, rule 18)."""

    __tablename__ = "project_extensions"
    __table_args__ = (
        sa.CheckConstraint("months >= 1 AND months <= 120", name="months_range"),
        sa.CheckConstraint("length(reason) > 0", name="has_reason"),
        sa.CheckConstraint("(state = 'requested') = (decided_at IS NULL)", name="decided_has_time"),
    )
    __transitions__ = EXTENSION_TRANSITIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="RESTRICT"), unique=True)
    months: Mapped[int] = mapped_column(sa.Integer)
    reason: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[ExtensionState] = mapped_column(EnumType(ExtensionState, "extension_state"),
                                                  default=ExtensionState.REQUESTED)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")

    project = relationship("Project", back_populates="extension")


# -- acceptance (验收) -------------------------------------------------------------------------

class Acceptance(db.Model):
    """Final materials and the panel's verdict (one per project)."""

    __tablename__ = "project_acceptances"
    __table_args__ = (
        sa.CheckConstraint("(decided_at IS NULL) = (is_passed IS NULL)", name="decided_has_outcome"),
        sa.CheckConstraint("is_passed IS NULL OR is_passed OR length(opinion) > 0", name="failure_has_opinion"),
        sa.CheckConstraint("spent_fen >= 0", name="spent_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="RESTRICT"), unique=True)
    summary: Mapped[str] = mapped_column(sa.Text)
    spent_fen: Mapped[int] = mapped_column(Money)
    is_late: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    panel_seed: Mapped[str | None] = mapped_column(sa.String(64))
    panel_json: Mapped[str | None] = mapped_column(sa.Text)
    is_passed: Mapped[bool | None] = mapped_column(sa.Boolean)
    opinion: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("issued_documents.id", ondelete="RESTRICT"))

    project = relationship("Project", back_populates="acceptance")
    results = relationship("AcceptanceKpiResult", back_populates="acceptance", cascade="all, delete-orphan")
    attachments = relationship("AcceptanceAttachment", back_populates="acceptance",
                               order_by="AcceptanceAttachment.id")

    def result_for(self, kpi_id: int):
        return next((r for r in self.results if r.kpi_id == kpi_id), None)


class AcceptanceKpiResult(db.Model):
    """The team's final measured value of a KPI and the panel's judgement (met / not met)."""

    __tablename__ = "acceptance_kpi_results"
    __table_args__ = (sa.UniqueConstraint("acceptance_id", "kpi_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    acceptance_id: Mapped[int] = mapped_column(sa.ForeignKey("project_acceptances.id", ondelete="CASCADE"),
                                               index=True)
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("project_kpis.id", ondelete="RESTRICT"), index=True)
    claimed_value: Mapped[Decimal] = mapped_column(sa.Numeric(20, 6))
    measured_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(20, 6))   # the panel's measurement
    is_met: Mapped[bool | None] = mapped_column(sa.Boolean)

    acceptance = relationship("Acceptance", back_populates="results")
    kpi = relationship("ProjectKpi")


class AcceptanceAttachment(db.Model):
    __tablename__ = "acceptance_attachments"
    __table_args__ = (sa.CheckConstraint("size_bytes > 0", name="not_empty"),
                      sa.CheckConstraint("length(sha256) = 64", name="sha256_length"))

    id: Mapped[int] = mapped_column(primary_key=True)
    acceptance_id: Mapped[int] = mapped_column(sa.ForeignKey("project_acceptances.id", ondelete="RESTRICT"),
                                               index=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    content_type: Mapped[str] = mapped_column(sa.String(100))

    acceptance = relationship("Acceptance", back_populates="attachments")


# -- termination (终止 / 追回) -----------------------------------------------------------------

class TerminationKind(LabelledEnum):
    VOLUNTARY = "voluntary", _l("主动终止")
    REVOKED = "revoked", _l("撤销（追回）")


class TerminationReason(LabelledEnum):
    """The legitimate reasons for a voluntary termination (domain.md stage 11)."""

    FORCE_MAJEURE = "force_majeure", _l("不可抗力")
    PUBLISHED_BY_OTHERS = "published_by_others", _l("相关技术已由他人公开")
    LEADER_LOST = "leader_lost", _l("项目负责人无法继续履职")
    IP_DISPUTE = "ip_dispute", _l("知识产权纠纷")
    ENTERPRISE_DISTRESS = "enterprise_distress", _l("发榜企业经营困难")


class Termination(db.Model):
    """How a project ended early: a voluntary termination with the 容错 decision and the
    leftover funds to return, or a revocation with the amount to recover (追回) and the
    organisation's bad-credit record."""

    __tablename__ = "project_terminations"
    __table_args__ = (
        sa.CheckConstraint("refund_fen >= 0 AND recover_fen >= 0", name="amounts_non_negative"),
        sa.CheckConstraint("kind != 'voluntary' OR (reason_code IS NOT NULL AND is_tolerated IS NOT NULL)",
                           name="voluntary_complete"),
        sa.CheckConstraint("kind != 'revoked' OR (bad_credit_record_id IS NOT NULL AND reason_code IS NULL)",
                           name="revoked_complete"),
        sa.CheckConstraint("length(explanation) > 0", name="has_explanation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="RESTRICT"), unique=True)
    kind: Mapped[TerminationKind] = mapped_column(EnumType(TerminationKind, "termination_kind"))
    reason_code: Mapped[TerminationReason | None] = mapped_column(
        EnumType(TerminationReason, "termination_reason"))
    explanation: Mapped[str] = mapped_column(sa.Text)
    is_tolerated: Mapped[bool | None] = mapped_column(sa.Boolean)          # 容错
    refund_fen: Mapped[int] = mapped_column(Money, default=0)              # leftover funds to return
    recover_fen: Mapped[int] = mapped_column(Money, default=0)             # 追回
    bad_credit_record_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("bad_credit_records.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("issued_documents.id", ondelete="RESTRICT"))

    project = relationship("Project", back_populates="termination")
    bad_credit_record = relationship("BadCreditRecord")


# -- reminders already sent (the scheduler is idempotent) -------------------------------------

class ProjectReminder(db.Model):
    """One reminder sent: ``key`` names what and when (e.g. ``m12:due7:2027-06-23``)."""

    __tablename__ = "project_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
