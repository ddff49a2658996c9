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
from sqlalchemy.orm.attributes import set_committed_value

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


class KpiMissesUnconfirmed(BidInvalid):
    """Committed KPI values miss the challenge's targets and the bidder has not yet
    confirmed submitting them anyway (a warning to confirm, not a refusal)."""


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
    # The bid's ``revision`` the editing page was showing (None: no lost-update check,
    # for scripts and the demo).
    revision: int | None = None

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


# -- eligibility (rules 1 and 8, organisation types) ------------------------------------

def eligibility_problems(challenge, lead: Organisation, members: list[Organisation],
                         limits: rules.BidLimits) -> list[rules.Problem]:
    """Problems with who bids, each on the field it concerns (``organisation`` for the
    lead unit, ``member_ids`` for consortium members)."""
    problems = rules.issuer_problems(challenge.issuer.credit_code, lead.credit_code,
                                     [m.credit_code for m in members])
    problems += rules.org_type_problems((lead.name, lead.org_type.value),
                                        [(m.name, m.org_type.value) for m in members])
    years = limits.bad_credit_lookback_years
    problems += rules.bad_credit_problems(
        {lead.name: [r.recorded_on for r in lead.bad_credit_within(years)]}, years)
    problems += rules.bad_credit_problems(
        {m.name: [r.recorded_on for r in m.bad_credit_within(years)] for m in members}, years, "member_ids")
    for org, name in [(lead, "organisation")] + [(m, "member_ids") for m in members]:
        if not org.is_active:
            problems.append((name, _("%(name)s已被停用，不能参与揭榜", name=org.name)))
    return problems


def take_up_problems(challenge, organisation: Organisation) -> list[rules.Problem]:
    """Why ``organisation`` may not take up ``challenge`` as lead unit (empty: it may).
    The portal says so before offering 我要揭榜."""
    return eligibility_problems(challenge, organisation, [], rules.BidLimits.current())


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


def _claim_revision(bid: Bid, base_revision: int | None) -> None:
    """Lost-update check: the save goes through only if nobody saved since the page was
    loaded (a conditional UPDATE; on PostgreSQL the second writer waits, then finds the
    revision moved)."""
    if base_revision is None:
        new = (bid.revision or 0) + 1
        claimed = db.session.execute(update(Bid).where(Bid.id == bid.id).values(revision=Bid.revision + 1)
                                     .execution_options(synchronize_session=False))
    else:
        new = base_revision + 1
        claimed = db.session.execute(update(Bid).where(Bid.id == bid.id, Bid.revision == base_revision)
                                     .values(revision=new).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise BidConflict(_("内容已被他人修改，请刷新后再保存"))
    set_committed_value(bid, "revision", new)


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
    problems = eligibility_problems(bid.challenge, bid.organisation, members, limits)
    if problems:  # shown next to their fields on the re-rendered form (400)
        raise BidInvalid(problems)
    _claim_revision(bid, data.revision)
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


def kpi_misses(bid: Bid) -> list[tuple]:
    """(KPI, committed value) pairs of the working copy that miss the challenge's target."""
    misses = []
    for kpi in bid.challenge.kpis:
        answer = bid.answer_for(kpi.id)
        if answer is not None and answer.proposed_value is not None and \
                rules.misses_target(kpi.comparator.value, kpi.target_value, answer.proposed_value):
            misses.append((kpi, answer.proposed_value))
    return misses


def kpi_miss_messages(bid: Bid) -> list[str]:
    from ..challenges.models import plain_decimal

    return [_("考核指标“%(name)s”承诺%(value)s %(unit)s，未达到榜单要求（%(target)s）",
              name=kpi.name, value=plain_decimal(value), unit=kpi.unit, target=kpi.target_text)
            for kpi, value in kpi_misses(bid)]


def submit_bid(bid: Bid, *, actor, base_version: int | None, now: datetime | None = None,
               action: str = "bid_submitted", accept_kpi_misses: bool = False) -> BidVersion:
    """Freeze the working copy as version N+1.

    ``base_version`` is the version the submitting page was showing. Two tabs (or a
    double click) submitting the same draft both send N; the conditional UPDATE and
    the UNIQUE (bid_id, version_no) constraint let exactly one of them through.

    Resubmitting a submitted bid without any change creates no version: the latest
    version is returned (its number equals ``base_version``). Committed KPI values that
    miss the challenge's targets need ``accept_kpi_misses`` (the bidder confirmed the
    warning); they are not a refusal.
    """
    now = now or utcnow()
    _editable(bid, now)
    if base_version is None or base_version != bid.current_version_no:
        raise BidConflict(_("该申报已在其他窗口提交或修改（当前为第%(n)s版），请刷新页面后再操作",
                            n=bid.current_version_no))
    limits = rules.BidLimits.current()
    members = [m.organisation for m in bid.members]
    problems = eligibility_problems(bid.challenge, bid.organisation, members, limits)
    problems += completeness_problems(bid, limits)
    if problems:
        raise BidInvalid(problems)
    data = snapshot(bid)
    previous = bid.latest_version
    if (bid.state is BidState.SUBMITTED and previous is not None
            and previous.content_sha256 == snapshot_digest(data)):
        return previous  # 内容无变化: nothing to freeze again
    if not accept_kpi_misses:
        misses = kpi_miss_messages(bid)
        if misses:
            raise KpiMissesUnconfirmed([("kpis", m) for m in misses] + [
                ("accept_kpi_misses", _("如确认按上述承诺值提交，请勾选“我已知悉上述指标承诺值未达到榜单要求，仍然提交”后再提交"))])
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
    _tell_new_members(bid, data, previous)
    return version


def _tell_new_members(bid: Bid, data: dict, previous: BidVersion | None) -> None:
    """Organisations a submitted version names as consortium members for the first time
    hear of it (and can read that version)."""
    before = set(previous.member_ids) if previous is not None else set()
    new = [m["id"] for m in data["members"] if m["id"] not in before]
    if new:
        notify("bid.member_named", users_of_organisations(new), title=data["title"], bid=bid.public_id,
               lead=data["lead"]["name"], challenge=bid.challenge.title, version=bid.current_version_no)


def overlap_warnings(bid: Bid) -> list[str]:
    """The bidder's own organisation is also named as a consortium member of another
    bid on the same challenge (it learnt so from the member notification)."""
    others = db.session.scalars(select(Bid).where(Bid.challenge_id == bid.challenge_id, Bid.id != bid.id,
                                                  Bid.current_version_no >= 1)).all()
    return [_("本单位同时被列为该榜单另一份申报（牵头单位：%(lead)s）的联合体成员；同一单位牵头一份申报又参加另一份，可能在形式审查中被认定为不符合规定",
              lead=other.organisation.name)
            for other in others
            if other.state is not BidState.WITHDRAWN and bid.organisation_id in other.latest_version.member_ids]


def reconfirm_bid(bid: Bid, *, actor, base_version: int | None, now: datetime | None = None,
                  accept_kpi_misses: bool = False) -> BidVersion:
    """After an amendment: confirm the bid against the amended challenge (a new version,
    checked against the amended KPIs and amounts)."""
    if bid.state is not BidState.NEEDS_RECONFIRM:
        raise BidConflict(_("该申报无需重新确认"))
    return submit_bid(bid, actor=actor, base_version=base_version, now=now, action="bid_reconfirmed",
                      accept_kpi_misses=accept_kpi_misses)


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
               bid=bid.public_id, reason=getattr(amendment, "reason", "") or "",
               deadline=format_local(challenge.bid_deadline_at))
    return bids


def tell_challenge_cancelled(challenge, reason: str = "") -> list[Bid]:
    """Signal receiver: the challenge was cancelled. Its bids are never opened or reviewed
    (``open_bids`` and ``review_bid`` refuse); every bidder that has not withdrawn is told."""
    bids = db.session.scalars(select(Bid).where(Bid.challenge_id == challenge.id,
                                                Bid.state != BidState.WITHDRAWN)).all()
    for bid in bids:
        notify("bid.challenge_cancelled", users_of_organisations([bid.organisation_id]), title=challenge.title,
               bid=bid.public_id, reason=reason or challenge.cancel_reason or "")
    return bids


# -- attachments -----------------------------------------------------------------------

def add_attachment(bid: Bid, stream, filename: str | None, kind: AttachmentKind, *, actor,
                   now: datetime | None = None) -> BidAttachment:
    now = now or utcnow()
    _editable(bid, now)
    checked = files.check_upload(stream, filename, already_stored=bid.stored_bytes,
                                 stored_digests={a.sha256 for a in bid.attachments})
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
