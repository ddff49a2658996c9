"""Every state change of a demand (需求征集 and screening). Nothing here commits."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.audit import record_event, register_labels
from ..notifications.operations import notify, users_of_organisations
from . import notifications as _kinds  # noqa: F401  (registers the notification kinds)
from ..core import uploads
from ..core.storage import BlobStore
from ..core.timeutil import utcnow
from ..core.transitions import TransitionError, transition
from ..extensions import db
from ..challenges.operations import ChallengeConflict, ChallengeError, ChallengeInvalid, create_challenge
from ..challenges.rules import ChallengeData, Limits, kpis_from_indicators, missing_text, time_limit_problems
from .models import Demand, DemandAttachment, DemandState, can_file_demand, stored_bytes_select

# Judged by magic bytes (app.core.uploads), never by the file name the browser sends.
ALLOWED_UPLOADS = {mime: kind for mime, kind in uploads.ALLOWED.items() if mime != "application/zip"}
ALLOWED_UPLOADS_TEXT = "PDF、Word、Excel、JPG/PNG 图片"
MAX_ATTACHMENTS = 10

register_labels(
    actions={"demand_created": _l("填报需求"), "demand_updated": _l("修改需求"),
             "demand_attachment_added": _l("上传需求附件"), "demand_attachment_removed": _l("删除需求附件")},
    entities={"demands": _l("技术需求")},
)


class UploadTooLarge(ChallengeError):
    status = 413


@dataclass
class DemandData:
    title: str
    field: str
    problem: str
    core_indicators: str
    time_limit_months: int | None
    ip_ownership: str
    own_funding_fen: int | None
    solver_conditions: str
    cannot_solve_alone: bool
    contact_name: str
    contact_phone: str

    FIELDS = ("title", "field", "problem", "core_indicators", "time_limit_months", "ip_ownership",
              "own_funding_fen", "solver_conditions", "cannot_solve_alone", "contact_name",
              "contact_phone")


def _guard(demand: Demand, actor) -> None:
    if not demand.is_member(actor):
        raise ChallengeError(_("只能修改本单位的需求"))
    if not demand.can_edit(actor):
        raise ChallengeConflict(_("需求已提交，当前状态为%(state)s，不能修改", state=demand.state.label))


def save_demand(demand: Demand | None, data: DemandData, *, actor) -> Demand:
    """Create (``demand=None``) or update a draft; drafts may be incomplete."""
    if data.time_limit_months is not None:
        problems = time_limit_problems(data.time_limit_months, Limits.current())
        if problems:
            raise ChallengeInvalid(problems)
    if demand is None:
        if not can_file_demand(actor):
            raise ChallengeError(_("只有企业单位用户可以提交技术需求"))
        demand = Demand(state=DemandState.DRAFT, organisation_id=actor.organisation_id,
                        created_by_id=actor.id)
        db.session.add(demand)
        action = "demand_created"
    else:
        _guard(demand, actor)
        action = "demand_updated"
    for name in DemandData.FIELDS:
        setattr(demand, name, getattr(data, name))
    record_event(demand, action, actor=actor)
    return demand


REQUIRED_TO_SUBMIT = {
    "problem": _l("请填写技术问题描述"),
    "core_indicators": _l("请填写核心指标"),
    "ip_ownership": _l("请填写知识产权归属"),
    "solver_conditions": _l("请填写对揭榜方的条件要求"),
    "contact_name": _l("请填写联系人"),
    "contact_phone": _l("请填写联系电话"),
}


def submission_problems(demand: Demand) -> list[tuple[str, str]]:
    problems = missing_text(demand, REQUIRED_TO_SUBMIT)
    if demand.time_limit_months is None:
        problems.append(("time_limit_months", _("请填写完成时限")))
    else:
        problems += time_limit_problems(demand.time_limit_months, Limits.current())
    if demand.own_funding_fen is None:
        problems.append(("own_funding_fen", _("请填写企业自有资金投入")))
    if not demand.cannot_solve_alone:
        problems.append(("cannot_solve_alone", _("请确认该技术难题本单位无法独立解决")))
    return problems


def submit_demand(demand: Demand, *, actor) -> Demand:
    _guard(demand, actor)
    problems = submission_problems(demand)
    if problems:
        raise ChallengeInvalid(problems)
    demand.submitted_at = utcnow()
    _move(demand, DemandState.SUBMITTED, actor)
    return demand


def _move(demand: Demand, to: DemandState, actor, reason: str | None = None) -> None:
    try:
        transition(demand, to, actor, reason)
    except TransitionError as exc:
        raise ChallengeConflict(str(exc)) from None


def _screen(demand: Demand, to: DemandState, actor, reason: str | None) -> None:
    if demand.state is not DemandState.SUBMITTED:
        raise ChallengeConflict(_("该需求当前状态为%(state)s，不能筛选", state=demand.state.label))
    if to is not DemandState.ACCEPTED and not (reason or "").strip():
        raise ChallengeInvalid([("reason", _("请填写理由"))])
    reason = (reason or "").strip() or None
    demand.decision_reason = reason
    demand.decided_at = utcnow()
    _move(demand, to, actor, reason)
    notify(f"demand.{to.value}", users_of_organisations([demand.organisation_id]), title=demand.title,
           demand_id=demand.id, reason=reason or "")


def accept_demand(demand: Demand, *, actor, reason: str | None = None):
    """Accept after screening: a draft challenge pre-filled from the demand."""
    _screen(demand, DemandState.ACCEPTED, actor, reason)
    data = ChallengeData(
        title=demand.title, field=demand.field, issuer_id=demand.organisation_id,
        problem_statement=demand.problem, time_limit_months=demand.time_limit_months,
        support_fen=None, issuer_funding_fen=demand.own_funding_fen, ip_terms=demand.ip_ownership,
        eligibility=demand.solver_conditions, contact_name=demand.contact_name,
        contact_phone=demand.contact_phone, contact_email="", bid_opens_at=None,
        bid_deadline_at=None, slots=1, kpis=kpis_from_indicators(demand.core_indicators),
    )
    return create_challenge(data, actor=actor, demand=demand, check=False)


def reject_demand(demand: Demand, *, actor, reason: str) -> Demand:
    _screen(demand, DemandState.REJECTED, actor, reason)
    return demand


def return_demand(demand: Demand, *, actor, reason: str) -> Demand:
    """Send back for more information; the enterprise edits and submits again."""
    _screen(demand, DemandState.RETURNED, actor, reason)
    return demand


def add_demand_attachment(demand: Demand, *, filename: str, data: bytes, actor) -> DemandAttachment:
    _guard(demand, actor)
    limit = current_app.config["MAX_FILE_SIZE"]
    if len(data) > limit:
        raise UploadTooLarge(_("文件超过大小上限（%(mb)s MB）", mb=uploads.megabytes(limit)))
    if len(demand.attachments) >= MAX_ATTACHMENTS:
        raise ChallengeInvalid([("file", _("每项需求最多上传%(n)s个附件", n=MAX_ATTACHMENTS))])
    quota = current_app.config["DEMAND_UPLOAD_QUOTA"]
    used = db.session.scalar(stored_bytes_select(demand.id)) or 0
    if used + len(data) > quota:
        raise ChallengeInvalid([("file", _(
            "每项需求累计上传不超过%(quota)s MB（含已删除的附件），已用%(used)s MB，本文件%(size)s MB，"
            "无法再上传；请压缩文件或联系科技局", quota=uploads.megabytes(quota), used=uploads.megabytes(used),
            size=uploads.megabytes(len(data))))])
    try:
        checked = uploads.check_content(data, filename, allowed=ALLOWED_UPLOADS, allowed_text=ALLOWED_UPLOADS_TEXT)
    except uploads.UploadRejected as exc:
        raise ChallengeInvalid([("file", str(exc))]) from None
    digest = BlobStore(current_app.config["UPLOAD_FOLDER"]).put(data)
    name = checked.display_name
    attachment = DemandAttachment(demand=demand, filename=name, content_type=checked.content_type,
                                  size_bytes=len(data), sha256=digest, uploaded_by_id=actor.id)
    db.session.add(attachment)
    record_event(demand, "demand_attachment_added", actor=actor, data={"filename": name, "sha256": digest})
    return attachment


def remove_demand_attachment(attachment: DemandAttachment, *, actor) -> None:
    """Remove a file from the demand: the row stays (its bytes keep counting against the
    quota) and releases its reference to the stored blob."""
    demand = attachment.demand
    _guard(demand, actor)
    if attachment.is_removed:
        raise ChallengeConflict(_("该附件已删除"))
    record_event(demand, "demand_attachment_removed", actor=actor,
                 data={"filename": attachment.filename, "sha256": attachment.sha256})
    attachment.removed_at = utcnow()
    attachment.removed_by_id = actor.id
