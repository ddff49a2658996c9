"""Bids (揭榜申报): consortium, KPI answers, milestone plan, attachments, versions,
the opening of a challenge's bids and the formal review."""
from __future__ import annotations

import json
import secrets
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import Role
from ..core.enums import EnumType, LabelledEnum
from ..core.timeutil import utcnow
from ..core.transitions import SYSTEM, TransitionTable
from ..core.types import Money, UTCDateTime
from ..extensions import db


class BidState(LabelledEnum):
    DRAFT = "draft", _l("草稿")
    SUBMITTED = "submitted", _l("已提交")
    NEEDS_RECONFIRM = "needs_reconfirm", _l("待重新确认")
    WITHDRAWN = "withdrawn", _l("已撤回")
    PASSED = "passed", _l("形式审查通过")
    FAILED = "failed", _l("形式审查未通过")


S = BidState
APPLICANT = Role.APPLICANT.value
BUREAU = Role.BUREAU.value

BID_TRANSITIONS = (
    TransitionTable(BidState)
    .add(S.DRAFT, S.SUBMITTED, [APPLICANT])
    .add(S.SUBMITTED, S.NEEDS_RECONFIRM, [SYSTEM])            # challenge amended
    .add(S.NEEDS_RECONFIRM, S.SUBMITTED, [APPLICANT])         # re-confirm or resubmit
    .add(S.DRAFT, S.WITHDRAWN, [APPLICANT])
    .add(S.SUBMITTED, S.WITHDRAWN, [APPLICANT])
    .add(S.NEEDS_RECONFIRM, S.WITHDRAWN, [APPLICANT])
    .add(S.WITHDRAWN, S.DRAFT, [APPLICANT])                   # bid again before the deadline
    .add(S.SUBMITTED, S.PASSED, [BUREAU])
    .add(S.SUBMITTED, S.FAILED, [BUREAU], reason_required=True)
    .add(S.NEEDS_RECONFIRM, S.FAILED, [BUREAU], reason_required=True)
)

# States in which a bid counts as submitted (before the deadline: the count the bureau sees).
IN_COMPETITION = frozenset({S.SUBMITTED, S.NEEDS_RECONFIRM})
# States of a bid that was in competition at the deadline (nothing moves a bid between
# these and the others after the deadline): the only bids the opening unseals.
TOOK_PART = frozenset({S.SUBMITTED, S.NEEDS_RECONFIRM, S.PASSED, S.FAILED})
EDITABLE = frozenset({S.DRAFT, S.SUBMITTED, S.NEEDS_RECONFIRM})
REVIEWABLE = IN_COMPETITION
SUBMITTED_STATES = ("submitted", "needs_reconfirm", "passed", "failed")


PUBLIC_ID_LENGTH = 22


def new_public_id() -> str:
    """A non-guessable identifier for URLs (128 random bits, 22 URL-safe characters):
    sequential ids would tell any applicant how many bids and files exist."""
    return secrets.token_urlsafe(16)


class AttachmentKind(LabelledEnum):
    APPLICATION = "application", _l("申报材料")
    SIGNED = "signed", _l("签字盖章页")
    QUALIFICATION = "qualification", _l("资质证明")
    OTHER = "other", _l("其他")


class Bid(db.Model):
    """One organisation's bid (as lead unit) on one challenge.

    One bid per organisation per challenge (UNIQUE): a lead unit never competes
    with itself in the horse race, a withdrawn bid is re-opened rather than
    duplicated, and a double click on "揭榜" cannot create two drafts.
    """

    __tablename__ = "bids"
    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "organisation_id"),
        sa.CheckConstraint("fiscal_support_fen IS NULL OR fiscal_support_fen >= 0", name="fiscal_non_negative"),
        sa.CheckConstraint("issuer_funding_fen IS NULL OR issuer_funding_fen >= 0", name="issuer_non_negative"),
        sa.CheckConstraint("self_funding_fen IS NULL OR self_funding_fen >= 0", name="self_non_negative"),
        sa.CheckConstraint("current_version_no >= 0", name="version_non_negative"),
        sa.CheckConstraint(f"state NOT IN {SUBMITTED_STATES!r} OR current_version_no >= 1",
                           name="submitted_has_version"),
        sa.CheckConstraint("(state = 'withdrawn') = (withdrawn_at IS NOT NULL)", name="withdrawn_has_time"),
        sa.CheckConstraint("revision >= 0", name="revision_non_negative"),
        sa.CheckConstraint(f"length(public_id) = {PUBLIC_ID_LENGTH}", name="public_id_length"),
    )
    __transitions__ = BID_TRANSITIONS

    id: Mapped[int] = mapped_column(primary_key=True)
    # Every URL names a bid by this token; the integer id stays internal.
    public_id: Mapped[str] = mapped_column(sa.String(PUBLIC_ID_LENGTH), unique=True, default=new_public_id)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="RESTRICT"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"),
                                                 index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    state: Mapped[BidState] = mapped_column(EnumType(BidState, "bid_state"), default=BidState.DRAFT, index=True)
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    leader_name: Mapped[str] = mapped_column(sa.String(100), default="")
    leader_title: Mapped[str] = mapped_column(sa.String(100), default="")
    leader_phone: Mapped[str] = mapped_column(sa.String(32), default="")
    leader_email: Mapped[str] = mapped_column(sa.String(254), default="")
    technical_plan: Mapped[str] = mapped_column(sa.Text, default="")  # sanitised HTML
    fiscal_support_fen: Mapped[int | None] = mapped_column(Money)
    issuer_funding_fen: Mapped[int | None] = mapped_column(Money)
    self_funding_fen: Mapped[int | None] = mapped_column(Money)
    current_version_no: Mapped[int] = mapped_column(sa.Integer, default=0)
    # Bumped by every save of the working copy: a form saved from a stale page (another
    # tab saved meanwhile) is refused instead of silently overwriting (lost update).
    revision: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    last_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    challenge = relationship("Challenge")
    organisation = relationship("Organisation")
    created_by = relationship("User")
    members = relationship("BidMember", back_populates="bid", order_by="BidMember.position",
                           cascade="all, delete-orphan")
    kpi_answers = relationship("BidKpiAnswer", back_populates="bid", cascade="all, delete-orphan")
    milestones = relationship("BidMilestone", back_populates="bid", order_by="BidMilestone.position",
                              cascade="all, delete-orphan")
    attachments = relationship("BidAttachment", back_populates="bid", order_by="BidAttachment.id")
    versions = relationship("BidVersion", back_populates="bid", order_by="BidVersion.version_no")
    review = relationship("FormalReview", back_populates="bid", uselist=False)

    def __repr__(self) -> str:
        return f"<Bid {self.id} {self.state.value} challenge={self.challenge_id} org={self.organisation_id}>"

    # -- derived values ----------------------------------------------------------
    @property
    def total_fen(self) -> int:
        return (self.fiscal_support_fen or 0) + (self.issuer_funding_fen or 0) + (self.self_funding_fen or 0)

    @property
    def current_attachments(self) -> list[BidAttachment]:
        return [a for a in self.attachments if a.removed_at is None]

    @property
    def stored_bytes(self) -> int:
        """What this bid has put in the store, removed files included (each distinct
        file once): removing a file does not give its room back, or uploading and
        removing in turn would fill the disk past the per-bid limit."""
        return sum({a.sha256: a.size_bytes for a in self.attachments}.values())

    @property
    def latest_version(self) -> BidVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def has_been_submitted(self) -> bool:
        return self.current_version_no >= 1

    @property
    def took_part(self) -> bool:
        """In competition (submitted) — at the deadline, when the challenge has closed.

        Withdrawn bids and drafts (even one submitted once, withdrawn and reopened) take
        no part: the opening leaves them sealed for good."""
        return self.state in TOOK_PART and self.has_been_submitted

    def answer_for(self, kpi_id: int) -> BidKpiAnswer | None:
        return next((a for a in self.kpi_answers if a.kpi_id == kpi_id), None)

    # -- predicates --------------------------------------------------------------
    @property
    def needs_reconfirmation(self) -> bool:
        return self.state is BidState.NEEDS_RECONFIRM

    def is_owned_by(self, user) -> bool:
        """A bidder sees only its own organisation's bids (the lead unit's users)."""
        return (getattr(user, "is_authenticated", False) and user.role is Role.APPLICANT
                and user.organisation_id is not None and user.organisation_id == self.organisation_id)

    def is_named_member(self, user) -> bool:
        """A user of an organisation the latest submitted version names as a consortium
        member (read-only access to that version; never to the working copy)."""
        if not (getattr(user, "is_authenticated", False) and user.role is Role.APPLICANT
                and user.organisation_id is not None and self.has_been_submitted):
            return False
        version = self.latest_version
        return version is not None and user.organisation_id in version.member_ids

    def is_opened(self) -> bool:
        """The challenge's bids were opened (and this bid was unsealed by it)."""
        return self.took_part and opening_for(self.challenge) is not None

    def can_view(self, user) -> bool:
        """Owner always; named consortium members their submitted version; bureau and admin
        only bids that took part, once the challenge's bids are opened."""
        if self.is_owned_by(user) or self.is_named_member(user):
            return True
        return _staff(user) and self.is_opened()

    def can_edit(self, user, now: datetime | None = None) -> bool:
        return (self.is_owned_by(user) and self.state in EDITABLE
                and self.challenge.is_open_for_bids(now))

    def can_reopen(self, user, now: datetime | None = None) -> bool:
        return (self.is_owned_by(user) and self.state is BidState.WITHDRAWN
                and self.challenge.is_open_for_bids(now))

    def can_reconfirm(self, user, now: datetime | None = None) -> bool:
        return self.can_edit(user, now) and self.state is BidState.NEEDS_RECONFIRM

    def can_file_summary(self, user) -> bool:
        """Bureau staff file the 揭榜申报书 of an opened bid that took part."""
        return (getattr(user, "is_authenticated", False) and user.role is Role.BUREAU
                and self.is_opened())

    def can_review(self, user) -> bool:
        return (getattr(user, "is_authenticated", False) and user.role is Role.BUREAU
                and self.state in REVIEWABLE and not self.challenge.is_cancelled and self.is_opened())

    def participation(self, now: datetime | None = None) -> str | None:
        """What the bidder is told about taking part once the deadline has passed."""
        challenge = self.challenge
        if challenge.is_cancelled:
            return "cancelled"
        if not challenge.is_past_deadline(now):
            return None
        return "took_part" if self.took_part else "not_submitted" if self.state is BidState.DRAFT \
            else "withdrawn"


def _staff(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role in (Role.BUREAU, Role.ADMIN)


class BidMember(db.Model):
    """A consortium member (联合体成员) besides the lead unit."""

    __tablename__ = "bid_members"
    __table_args__ = (sa.UniqueConstraint("bid_id", "organisation_id"),
                      sa.UniqueConstraint("bid_id", "position"))

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="RESTRICT"),
                                                 index=True)
    position: Mapped[int] = mapped_column(sa.Integer)

    bid = relationship("Bid", back_populates="members")
    organisation = relationship("Organisation")


class BidKpiAnswer(db.Model):
    """The bid's answer to one KPI of the challenge (rule 9)."""

    __tablename__ = "bid_kpi_answers"
    __table_args__ = (sa.UniqueConstraint("bid_id", "kpi_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("challenge_kpis.id", ondelete="CASCADE"), index=True)
    proposed_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(20, 6))
    verification: Mapped[str] = mapped_column(sa.Text, default="")

    bid = relationship("Bid", back_populates="kpi_answers")
    kpi = relationship("ChallengeKpi")


class BidMilestone(db.Model):
    """One milestone of the bid's plan, started from the challenge's template."""

    __tablename__ = "bid_milestones"
    __table_args__ = (
        sa.UniqueConstraint("bid_id", "position"),
        sa.CheckConstraint("tranche_percent IS NULL OR (tranche_percent >= 0 AND tranche_percent <= 100)",
                           name="percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("bids.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(200))
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    deliverable: Mapped[str] = mapped_column(sa.Text, default="")
    tranche_percent: Mapped[int | None] = mapped_column(sa.Integer)
    is_race_checkpoint: Mapped[bool] = mapped_column(sa.Boolean, default=False)

    bid = relationship("Bid", back_populates="milestones")


class BidAttachment(db.Model):
    """An uploaded file; bytes live in the blob store under ``sha256``.

    Removing an attachment only marks it: a submitted version may still list it.
    """

    __tablename__ = "bid_attachments"
    __table_args__ = (
        sa.CheckConstraint("size_bytes > 0", name="not_empty"),
        sa.CheckConstraint("length(sha256) = 64", name="sha256_length"),
        sa.CheckConstraint(f"length(public_id) = {PUBLIC_ID_LENGTH}", name="public_id_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(PUBLIC_ID_LENGTH), unique=True, default=new_public_id)
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("bids.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[AttachmentKind] = mapped_column(EnumType(AttachmentKind, "bid_attachment_kind"))
    display_name: Mapped[str] = mapped_column(sa.String(200))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    bid = relationship("Bid", back_populates="attachments")


class BidVersion(db.Model):
    """An immutable submitted version of a bid (the snapshot the bureau reviews)."""

    __tablename__ = "bid_versions"
    __table_args__ = (
        # Two tabs submitting the same draft at once: only one version N+1 can exist.
        sa.UniqueConstraint("bid_id", "version_no"),
        sa.CheckConstraint("version_no >= 1", name="version_positive"),
        sa.CheckConstraint("length(content_sha256) = 64", name="sha256_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("bids.id", ondelete="RESTRICT"), index=True)
    version_no: Mapped[int] = mapped_column(sa.Integer)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    snapshot_json: Mapped[str] = mapped_column(sa.Text)
    content_sha256: Mapped[str] = mapped_column(sa.String(64))

    bid = relationship("Bid", back_populates="versions")
    submitted_by = relationship("User")

    @property
    def snapshot(self) -> dict:
        return json.loads(self.snapshot_json)

    @property
    def member_ids(self) -> list[int]:
        return [m["id"] for m in self.snapshot["members"]]


@event.listens_for(BidVersion, "before_update")
def _versions_are_immutable(mapper, connection, target):
    # The database refuses it too (core.append_only); this names the culprit earlier.
    raise ValueError("a submitted bid version is immutable")


class BidOpening(db.Model):
    """开标: who opened a challenge's sealed bids, and when (only after the deadline)."""

    __tablename__ = "bid_openings"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="RESTRICT"), unique=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    bid_count: Mapped[int] = mapped_column(sa.Integer)

    challenge = relationship("Challenge")
    opened_by = relationship("User")


class FormalReview(db.Model):
    """形式审查 of one bid: the checklist, the outcome and the written reason."""

    __tablename__ = "bid_formal_reviews"
    __table_args__ = (
        sa.CheckConstraint(
            "(is_passed AND is_complete AND is_eligible AND has_signatures)"
            " OR (NOT is_passed AND reason IS NOT NULL AND length(reason) > 0)",
            name="outcome_consistent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_id: Mapped[int] = mapped_column(sa.ForeignKey("bids.id", ondelete="RESTRICT"), unique=True)
    version_no: Mapped[int] = mapped_column(sa.Integer)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_complete: Mapped[bool] = mapped_column(sa.Boolean)
    is_eligible: Mapped[bool] = mapped_column(sa.Boolean)
    has_signatures: Mapped[bool] = mapped_column(sa.Boolean)
    is_passed: Mapped[bool] = mapped_column(sa.Boolean)
    reason: Mapped[str | None] = mapped_column(sa.Text)

    bid = relationship("Bid", back_populates="review")
    reviewer = relationship("User")


def opening_for(challenge) -> BidOpening | None:
    if challenge is None or challenge.id is None:
        return None
    return db.session.scalar(sa.select(BidOpening).where(BidOpening.challenge_id == challenge.id))


class BidSummary(db.Model):
    """The 揭榜申报书 filed for one submitted version: at most one per version, which the
    database guarantees (two clicks, or two staff at once, never number two documents).

    The row claims the version *before* the document is numbered and rendered (so the
    losing request of a race stops at the UNIQUE constraint, and on SQLite the claim
    opens the transaction the document's savepoint nests in); ``document_id`` is set in
    the same transaction, so a committed row always has it."""

    __tablename__ = "bid_summaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    bid_version_id: Mapped[int] = mapped_column(sa.ForeignKey("bid_versions.id", ondelete="RESTRICT"),
                                                unique=True)
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("issued_documents.id", ondelete="RESTRICT"),
                                                    unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version = relationship("BidVersion")
    document = relationship("IssuedDocument")
