"""Every state change of a bid by its bidder. Nothing here commits; the view commits once.

The bureau's side (opening the sealed bids, formal review) is in ``formal_review.py``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..auth.models import Organisation
from ..core.errors import AppError, Forbidden, InvalidInput, StateConflict
from ..notifications.operations import notify, users_of_organisations
from . import notifications as _kinds  # noqa: F401  (registers the notification kinds)
from ..core.audit import record_event
from ..core.timeutil import format_local, to_local, utcnow
from ..core.transitions import TransitionError, transition
from ..extensions import db
from . import files, rules
from .models import (EDITABLE, AttachmentKind, Bid, BidAttachment, BidKpiAnswer, BidMember, BidMilestone,
                     BidState, BidVersion)
from .versions import sanitise_plan, snapshot, snapshot_digest


class BidError(AppError):
    """A refused bid operation (the core hierarchy maps it to its HTTP status)."""


class BidInvalid(BidError, InvalidInput):
    """Input breaks a rule (400); ``problems`` are (field, message) pairs."""

    def __init__(self, problems):
        InvalidInput.__init__(self, list(problems))


class BidIneligible(BidError, Forbidden):
    """The organisation may not bid (rules 1 and 8): 403."""

    status = 403


class BidConflict(BidError, StateConflict):
    """Wrong state or time for this action (409)."""

    status = 409


@dataclass
class BidData:
    """The editable content of a bid, as the form (or a test) supplies it."""

    title: str = ""
    leader_name: str = ""
    leader_title: str = ""
    leader_phone: str = ""
    leader_email: str = ""
    technical_plan: str = ""
    fiscal_support_fen: int | None = None
    issuer_funding_fen: int | None = None
    self_funding_fen: int | None = None
    member_ids: list[int] = field(default_factory=list)
    kpi_answers: dict[int, tuple[Decimal | None, str]] = field(default_factory=dict)
    milestones: list[rules.PlannedMilestone] = field(default_factory=list)

    SCALARS = ("title", "leader_name", "leader_title", "leader_phone", "leader_email",
               "fiscal_support_fen", "issuer_funding_fen", "self_funding_fen")


def _window(challenge, now: datetime) -> None:
    problems = rules.window_problems(now, challenge.bid_opens_at, challenge.bid_deadline_at)
    if problems or not challenge.is_open_for_bids(now):
        raise BidConflict(problems[0][1] if problems else _("该榜单当前不接受揭榜"))


def _editable(bid: Bid, now: datetime) -> None:
    _window(bid.challenge, now)
    if bid.state not in EDITABLE:
        raise BidConflict(_("申报当前状态为“%(s)s”，不能修改", s=bid.state.label))


def _move(bid: Bid, to: BidState, actor, reason=None, **data) -> None:
    try:
        transition(bid, to, actor, reason, data=data or None)
    except TransitionError as exc:
        raise BidConflict(str(exc)) from None


# -- eligibility (rules 1 and 8) ------------------------------------------------------

def eligibility_problems(challenge, lead: Organisation, members: list[Organisation],
                         limits: rules.BidLimits) -> list[rules.Problem]:
    problems = rules.issuer_problems(challenge.issuer.credit_code, lead.credit_code,
                                     [m.credit_code for m in members])
    years = limits.bad_credit_lookback_years
    problems += rules.bad_credit_problems(
        {org.name: [r.recorded_on for r in org.bad_credit_within(years)] for org in [lead, *members]}, years)
    for org in [lead, *members]:
        if not org.is_active:
            problems.append(("organisation", _("%(name)s已被停用，不能参与揭榜", name=org.name)))
    return problems


def _check_eligible(challenge, lead, members, limits) -> None:
    problems = eligibility_problems(challenge, lead, members, limits)
    if problems:
        raise BidIneligible("；".join(m for _f, m in problems), problems)


# -- drafts ---------------------------------------------------------------------------

def start_bid(challenge, *, actor, now: datetime | None = None) -> Bid:
    """The applicant's organisation takes up the challenge: a draft pre-filled from the
    challenge's KPIs and milestone template. Returns the existing bid if there is one."""
    now = now or utcnow()
    existing = db.session.scalar(select(Bid).where(Bid.challenge_id == challenge.id,
                                                   Bid.organisation_id == actor.organisation_id))
    if existing is not None:
        return existing
    _window(challenge, now)
    _check_eligible(challenge, actor.organisation, [], rules.BidLimits.current())
    bid = Bid(challenge=challenge, organisation=actor.organisation, created_by_id=actor.id,
              state=BidState.DRAFT, title=challenge.title, current_version_no=0)
    for kpi in challenge.kpis:
        bid.kpi_answers.append(BidKpiAnswer(kpi_id=kpi.id, verification=""))
    for position, checkpoint in enumerate(challenge.milestone_template, start=1):
        bid.milestones.append(BidMilestone(position=position, name=checkpoint.name,
                                           tranche_percent=checkpoint.tranche_percent,
                                           due_on=rules.add_months(to_local(challenge.bid_deadline_at).date(),
                                                                   checkpoint.month_offset),
                                           is_race_checkpoint=checkpoint.is_race_checkpoint))
    db.session.add(bid)
    try:
        db.session.flush()
    except IntegrityError:  # the same organisation started it in another tab a moment ago
        raise BidConflict(_("本单位已在另一窗口创建了对该榜单的申报，请刷新页面")) from None
    record_event(bid, "bid_started", actor=actor, data={"challenge_id": challenge.id})
    return bid


def _member_orgs(bid: Bid, member_ids: list[int], limits: rules.BidLimits) -> list[Organisation]:
    problems = rules.consortium_problems(bid.organisation_id, member_ids, limits.max_consortium_members)
    if problems:
        raise BidInvalid(problems)
    orgs = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(member_ids)))}
    missing = [i for i in member_ids if i not in orgs]
    if missing:
        raise BidInvalid([("member_ids", _("联合体成员须为系统中已登记的单位"))])
    return [orgs[i] for i in member_ids]


def save_bid(bid: Bid, data: BidData, *, actor, now: datetime | None = None) -> Bid:
    """Save the working copy (a draft, or edits to a submitted bid before it is resubmitted)."""
    now = now or utcnow()
    _editable(bid, now)
    limits = rules.BidLimits.current()
    members = _member_orgs(bid, data.member_ids, limits)
    problems = rules.issuer_problems(bid.challenge.issuer.credit_code, bid.organisation.credit_code,
                                     [m.credit_code for m in members])
    if problems:
        raise BidIneligible(problems[0][1], problems)
    for name in BidData.SCALARS:
        setattr(bid, name, getattr(data, name))
    bid.technical_plan = sanitise_plan(data.technical_plan)
    _sync_members(bid, members)
    for kpi in bid.challenge.kpis:
        value, method = data.kpi_answers.get(kpi.id, (None, ""))
        answer = bid.answer_for(kpi.id)
        if answer is None:
            answer = BidKpiAnswer(kpi_id=kpi.id)
            bid.kpi_answers.append(answer)
        answer.proposed_value, answer.verification = value, method or ""
    if len(data.milestones) != len(bid.milestones):
        raise BidInvalid([("milestones", _("里程碑计划须与榜单的里程碑模板一一对应"))])
    for row, planned in zip(bid.milestones, data.milestones):
        row.due_on, row.tranche_percent, row.deliverable = (planned.due_on, planned.tranche_percent,
                                                            planned.deliverable or "")
    bid.updated_at = now
    record_event(bid, "bid_saved", actor=actor)
    return bid


def _sync_members(bid: Bid, members: list[Organisation]) -> None:
    wanted = [m.id for m in members]
    current = [m.organisation_id for m in bid.members]
    if wanted == current:
        return
    bid.members.clear()
    db.session.flush()  # delete old rows before re-inserting (unique position/organisation)
    for position, org in enumerate(members, start=1):
        bid.members.append(BidMember(organisation=org, position=position))


# -- submission ---------------------------------------------------------------------

def completeness_problems(bid: Bid, limits: rules.BidLimits) -> list[rules.Problem]:
    """Everything rules 4-7 and 9 and the milestone plan require of a submitted bid."""
    challenge = bid.challenge
    problems: list[rules.Problem] = []
    for name, label in (("title", _("项目名称")), ("leader_name", _("项目负责人姓名")),
                        ("leader_title", _("项目负责人职务/职称")), ("leader_phone", _("项目负责人联系电话"))):
        if not (getattr(bid, name) or "").strip():
            problems.append((name, _("请填写%(what)s", what=label)))
    if not bid.technical_plan.strip():
        problems.append(("technical_plan", _("请填写技术方案")))
    problems += rules.consortium_problems(bid.organisation_id, [m.organisation_id for m in bid.members],
                                          limits.max_consortium_members)
    problems += rules.kpi_problems({k.id: k.name for k in challenge.kpis},
                                   {a.kpi_id: (a.proposed_value, a.verification) for a in bid.kpi_answers})
    problems += rules.budget_problems(
        fiscal_fen=bid.fiscal_support_fen, issuer_fen=bid.issuer_funding_fen, self_fen=bid.self_funding_fen,
        challenge_support_fen=challenge.support_fen, challenge_issuer_funding_fen=challenge.issuer_funding_fen,
        lead_is_academic=bid.organisation.org_type.is_academic, limits=limits)
    problems += rules.milestone_problems(
        [rules.PlannedMilestone(m.name, m.due_on, m.tranche_percent, m.deliverable) for m in bid.milestones],
        start=to_local(challenge.bid_deadline_at).date(), time_limit_months=challenge.time_limit_months)
    return problems


def submit_bid(bid: Bid, *, actor, base_version: int | None, now: datetime | None = None,
               action: str = "bid_submitted") -> BidVersion:
    """Freeze the working copy as version N+1.

    ``base_version`` is the version the submitting page was showing. Two tabs (or a
    double click) submitting the same draft both send N; the conditional UPDATE and
    the UNIQUE (bid_id, version_no) constraint let exactly one of them through.
    """
    now = now or utcnow()
    _editable(bid, now)
    if base_version is None or base_version != bid.current_version_no:
        raise BidConflict(_("该申报已在其他窗口提交或修改（当前为第%(n)s版），请刷新页面后再操作",
                            n=bid.current_version_no))
    limits = rules.BidLimits.current()
    _check_eligible(bid.challenge, bid.organisation, [m.organisation for m in bid.members], limits)
    problems = completeness_problems(bid, limits)
    if problems:
        raise BidInvalid(problems)
    data = snapshot(bid)
    new_no = base_version + 1
    claimed = db.session.execute(
        update(Bid).where(Bid.id == bid.id, Bid.current_version_no == base_version)
        .values(current_version_no=new_no, last_submitted_at=now, updated_at=now)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise BidConflict(_("该申报刚刚已被提交，未重复生成版本，请刷新页面"))
    version = BidVersion(bid_id=bid.id, version_no=new_no, submitted_at=now, submitted_by_id=actor.id,
                         snapshot_json=json.dumps(data, ensure_ascii=False, sort_keys=True),
                         content_sha256=snapshot_digest(data))
    db.session.add(version)
    try:
        db.session.flush()
    except IntegrityError:
        raise BidConflict(_("该申报刚刚已被提交，未重复生成版本，请刷新页面")) from None
    db.session.refresh(bid, ["current_version_no", "last_submitted_at", "versions"])
    if bid.state is BidState.SUBMITTED:
        record_event(bid, "bid_resubmitted", actor=actor, data={"version": new_no})
    else:
        _move(bid, BidState.SUBMITTED, actor, None, version=new_no, action=action)
    return version


def reconfirm_bid(bid: Bid, *, actor, base_version: int | None, now: datetime | None = None) -> BidVersion:
    """After an amendment: confirm the bid against the amended challenge (a new version,
    checked against the amended KPIs and amounts)."""
    if bid.state is not BidState.NEEDS_RECONFIRM:
        raise BidConflict(_("该申报无需重新确认"))
    return submit_bid(bid, actor=actor, base_version=base_version, now=now, action="bid_reconfirmed")


def withdraw_bid(bid: Bid, *, actor, reason: str | None = None, now: datetime | None = None) -> Bid:
    now = now or utcnow()
    _editable(bid, now)
    bid.withdrawn_at = now
    _move(bid, BidState.WITHDRAWN, actor, (reason or "").strip() or None)
    return bid


def reopen_bid(bid: Bid, *, actor, now: datetime | None = None) -> Bid:
    now = now or utcnow()
    _window(bid.challenge, now)
    if bid.state is not BidState.WITHDRAWN:
        raise BidConflict(_("只有已撤回的申报可以重新编辑"))
    bid.withdrawn_at = None
    _move(bid, BidState.DRAFT, actor, None)
    return bid


def mark_needs_reconfirmation(challenge, amendment=None) -> list[Bid]:
    """Signal receiver: the challenge was amended, every submitted bid must re-confirm."""
    bids = db.session.scalars(select(Bid).where(Bid.challenge_id == challenge.id,
                                                Bid.state == BidState.SUBMITTED)).all()
    for bid in bids:
        transition(bid, BidState.NEEDS_RECONFIRM, None, _("榜单发布变更，须重新确认申报"),
                   data={"amendment_id": getattr(amendment, "id", None)})
        notify("bid.needs_reconfirm", users_of_organisations([bid.organisation_id]), title=challenge.title,
               bid_id=bid.id, reason=getattr(amendment, "reason", "") or "",
               deadline=format_local(challenge.bid_deadline_at))
    return bids


# -- attachments -----------------------------------------------------------------------

def add_attachment(bid: Bid, stream, filename: str | None, kind: AttachmentKind, *, actor,
                   now: datetime | None = None) -> BidAttachment:
    now = now or utcnow()
    _editable(bid, now)
    checked = files.check_upload(stream, filename, already_stored=bid.stored_bytes)
    digest = files.store().put(checked.data)
    attachment = BidAttachment(bid=bid, kind=kind, display_name=checked.display_name, sha256=digest,
                               size_bytes=len(checked.data), content_type=checked.content_type,
                               uploaded_by_id=actor.id, uploaded_at=now)
    db.session.add(attachment)
    db.session.flush()
    record_event(bid, "attachment_added", actor=actor,
                 data={"attachment_id": attachment.id, "sha256": digest, "size": len(checked.data)})
    return attachment


def remove_attachment(attachment: BidAttachment, *, actor, now: datetime | None = None) -> None:
    now = now or utcnow()
    _editable(attachment.bid, now)
    if attachment.removed_at is not None:
        raise BidConflict(_("该附件已删除"))
    attachment.removed_at = now
    record_event(attachment.bid, "attachment_removed", actor=actor, data={"attachment_id": attachment.id})
