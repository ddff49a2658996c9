"""Award (rule 13), the 揭榜结果公示 with its objection window (rule 14) and the
handling of objections (异议). Nothing here commits."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext as _

from ..auth.models import Role
from ..bids.models import Bid, BidState
from ..challenges.operations import award_challenge
from ..core import outbox
from ..core.audit import record_event
from ..core.policy import policy
from ..core.storage import BlobStore
from ..core.timeutil import add_working_days, chinese_date, format_local, local_to_utc, to_local, utcnow
from ..core.uploads import CheckedFile
from ..extensions import db
from ..notifications.operations import notify, users_of_organisations, users_with_role
from . import rules
from .models import PENDING, Award, ExpertReview, Objection, ObjectionState, Publicity
from .operations import ReviewConflict, ReviewInvalid, _move, _require_reviewing
from .queries import current_publicity, ranking

ANONYMOUS_NAMES = {"匿名", "无名氏", "佚名", "某某", "不详", "无", "anonymous", "anon", "n/a", "na", "-", "—"}
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


def window_end(start: datetime, working_days: int) -> datetime:
    """The end of the objection window: 24:00 (Beijing time) of the ``working_days``-th
    working day after the day of publication (official calendar, entered years
    included; a year covered by neither is refused with CalendarNotCovered)."""
    last_day = add_working_days(to_local(start).date(), working_days)
    return local_to_utc(datetime.combine(last_day + timedelta(days=1), time(0, 0)))


def last_day_text(publicity: Publicity) -> str:
    return chinese_date(to_local(publicity.ends_at - timedelta(seconds=1)).date())


# -- award -------------------------------------------------------------------------------

def award_bids(round_, bid_ids: list[int], *, actor, rationale: str, now: datetime | None = None) -> Publicity:
    """Select the winners (at most the challenge's slots, only reviewed bids), record the
    rationale (required when departing from the ranking) and issue the 公示."""
    now = now or utcnow()
    challenge = round_.challenge
    if db.session.scalar(sa.select(Award.id).where(Award.round_id == round_.id).limit(1)):
        raise ReviewConflict(_("该榜单已经确定揭榜方并发布公示，不能再次确定"))
    _require_reviewing(round_)
    pending = db.session.scalar(sa.select(sa.func.count(ExpertReview.id)).where(
        ExpertReview.round_id == round_.id, ExpertReview.state.in_(PENDING)))
    if pending:
        raise ReviewConflict(_("还有%(n)s份专家评审意见未提交，评审完成后才能确定揭榜方", n=pending))
    rationale = (rationale or "").strip()
    chosen = list(dict.fromkeys(bid_ids))
    rows = {r.bid_id: r for r in ranking(round_)}
    problems = []
    if not chosen:
        problems.append(("bid_ids", _("请至少选择一个拟揭榜单位")))
    if len(chosen) > challenge.slots:
        problems.append(("bid_ids", _("该榜单最多确定%(n)s个揭榜方，您选择了%(m)s个", n=challenge.slots, m=len(chosen))))
    if any(i not in rows or rows[i].mean is None for i in chosen):
        problems.append(("bid_ids", _("只有通过形式审查并完成专家评审的申报才能入选")))
    ranked = [r.bid_id for r in sorted(rows.values(), key=lambda r: r.rank) if r.mean is not None]
    if not problems and rules.departs_from_ranking(chosen, ranked) and not rationale:
        problems.append(("rationale", _("所选揭榜方与评审排名不一致，必须填写书面理由")))
    if problems:
        raise ReviewInvalid(problems)
    for bid_id in sorted(chosen, key=lambda i: rows[i].rank):
        db.session.add(Award(round_id=round_.id, bid_id=bid_id, rank_at_award=rows[bid_id].rank,
                             rationale=rationale, awarded_at=now, awarded_by_id=actor.id))
    award_challenge(challenge, actor=actor, reason=rationale or None)
    db.session.flush()
    publicity = issue_publicity(round_, actor=actor, now=now)
    _notify_bidders(round_, publicity, rows)
    return publicity


def _active_awards(round_) -> list[Award]:
    return list(db.session.scalars(sa.select(Award).where(Award.round_id == round_.id, Award.revoked_at.is_(None))
                                   .order_by(Award.rank_at_award)))


def publicity_context(round_, awards, rows, start: datetime, ends_at: datetime, days: int,
                      note: str | None = None) -> dict:
    challenge = round_.challenge
    return {
        "challenge_title": challenge.title, "issuer_name": challenge.issuer.name,
        "winners": [{"rank": rows[a.bid_id].rank, "bid_title": rows[a.bid_id].title,
                     "lead_name": rows[a.bid_id].lead_name, "members": "、".join(rows[a.bid_id].members),
                     "score_text": f"{rows[a.bid_id].mean:.2f}"} for a in awards],
        "window_start_text": chinese_date(to_local(start).date()),
        "window_end_text": chinese_date(to_local(ends_at - timedelta(seconds=1)).date()),
        "working_days": days,
        "contact": _("联系电话：0391-3568000（焦作市科学技术局成果转化与区域创新科）"),
        "correction_note": note or "",
    }


def issue_publicity(round_, *, actor, now: datetime, corrects: Publicity | None = None,
                    note: str | None = None) -> Publicity:
    from ..documents.operations import issue_document

    days = policy("publicity_working_days")
    ends_at = window_end(now, days)
    rows = {r.bid_id: r for r in ranking(round_)}
    context = publicity_context(round_, _active_awards(round_), rows, now, ends_at, days, note)
    doc = issue_document("award_publicity", context, subject=round_.challenge, issuer="keji", actor=actor,
                         corrects=corrects.document if corrects else None, reason=note)
    publicity = Publicity(challenge_id=round_.challenge_id, document_id=doc.id,
                          corrects_id=corrects.id if corrects else None, starts_at=now, ends_at=ends_at,
                          working_days=days, issued_by_id=actor.id)
    db.session.add(publicity)
    db.session.flush()
    record_event(publicity, "publicity_issued", actor=actor, reason=note,
                 data={"document": doc.number, "ends_at": ends_at.isoformat(), "working_days": days})
    return publicity


def _result_text(bid: Bid, rows, awarded: set[int]) -> str:
    if bid.state is not BidState.PASSED:
        return _("未通过形式审查，未参加专家评审")
    row = rows.get(bid.id)
    if bid.id in awarded:
        return _("拟入选（评审排名第%(n)s）", n=row.rank)
    return _("未入选（评审排名第%(n)s）", n=row.rank) if row else _("未入选")


def _notify_bidders(round_, publicity: Publicity, rows, only: set[int] | None = None) -> None:
    awarded = {a.bid_id for a in _active_awards(round_)}
    bids = db.session.scalars(sa.select(Bid).where(Bid.challenge_id == round_.challenge_id,
                                                   Bid.current_version_no >= 1,
                                                   Bid.state != BidState.WITHDRAWN)).all()
    for bid in bids:
        if only is not None and bid.id not in only:
            continue
        notify("award.published", users_of_organisations([bid.organisation_id]), title=round_.challenge.title,
               result=_result_text(bid, rows, awarded), ends=format_local(publicity.ends_at),
               publicity_id=publicity.id)


# -- objections ------------------------------------------------------------------------------

def file_objection(publicity: Publicity, *, name: str, organisation: str, phone: str, email: str, content: str,
                   attachment: CheckedFile | None = None, now: datetime | None = None) -> Objection:
    """A real-name objection during the window; anonymous or late ones are refused."""
    now = now or utcnow()
    latest = current_publicity(publicity.challenge_id)
    if latest is None or latest.id != publicity.id:
        raise ReviewConflict(_("该公示已被更正，请对最新的公示提出异议"))
    if now >= publicity.ends_at:
        raise ReviewConflict(_("公示期已于%(t)s结束，逾期提出的异议不予受理", t=format_local(publicity.ends_at)))
    name, organisation, phone = (name or "").strip(), (organisation or "").strip(), (phone or "").strip()
    problems = []
    if not name or name.lower() in ANONYMOUS_NAMES:
        problems.append(("name", _("不受理匿名异议：请填写真实姓名")))
    if not organisation or organisation.lower() in ANONYMOUS_NAMES:
        problems.append(("organisation", _("不受理匿名异议：请填写工作单位（个人可填写“个人”）")))
    if not PHONE.match(phone.replace(" ", "")):
        problems.append(("phone", _("请填写有效的联系电话（手机号或带区号的固定电话），以便核实身份")))
    if not (content or "").strip():
        problems.append(("content", _("请填写异议内容和理由")))
    if problems:
        raise ReviewInvalid(problems)
    objection = Objection(publicity_id=publicity.id, challenge_id=publicity.challenge_id, name=name,
                          organisation=organisation, phone=phone.replace(" ", ""), email=(email or "").strip(),
                          content=content.strip(), filed_at=now, state=ObjectionState.OPEN)
    if attachment is not None:
        objection.attachment_sha256 = BlobStore(current_app.config["UPLOAD_FOLDER"]).put(attachment.data)
        objection.attachment_name = attachment.display_name
        objection.attachment_size = len(attachment.data)
        objection.attachment_type = attachment.content_type
    db.session.add(objection)
    db.session.flush()
    record_event(objection, "objection_filed", actor=None, data={"publicity_id": publicity.id})
    notify("objection.filed", users_with_role(Role.BUREAU), title=publicity.challenge.title,
           objection_id=objection.id, filed_at=format_local(now))
    return objection


def resolve_objection(objection: Objection, *, actor, sustained: bool, handling: str,
                      revoke_award_id: int | None = None, now: datetime | None = None) -> Publicity | None:
    """Record how the objection was handled and its outcome. A sustained objection may
    remove a winner: the slot goes to the next-ranked eligible bid and a corrected 公示
    is issued (returned)."""
    now = now or utcnow()
    handling = (handling or "").strip()
    if objection.state is not ObjectionState.OPEN:
        raise ReviewConflict(_("该异议已经处理完毕"))
    if not handling:
        raise ReviewInvalid([("handling", _("请填写核查和处理情况"))])
    award = None
    if revoke_award_id is not None:
        if not sustained:
            raise ReviewInvalid([("revoke_award_id", _("只有异议成立时才能取消拟揭榜单位"))])
        award = db.session.get(Award, revoke_award_id)
        round_ = objection.challenge.review_round
        if award is None or award.round_id != round_.id or not award.is_active:
            raise ReviewInvalid([("revoke_award_id", _("请选择本榜单当前的拟揭榜单位"))])
    with db.session.no_autoflush:
        _move(objection, ObjectionState.SUSTAINED if sustained else ObjectionState.DISMISSED, actor, handling)
        objection.handling = handling
        objection.resolved_at = now
        objection.resolved_by_id = actor.id
    publicity = None
    if award is not None:
        publicity = _replace_winner(award, objection, actor=actor, now=now)
    _answer_objector(objection)
    return publicity


def _replace_winner(award: Award, objection: Objection, *, actor, now) -> Publicity:
    round_ = award.round
    award.revoked_at = now
    award.revoked_reason = _("异议成立：%(h)s", h=objection.handling)
    objection.revoked_award_id = award.id
    record_event(award, "award_revoked", actor=actor, reason=award.revoked_reason,
                 data={"bid_id": award.bid_id, "objection_id": objection.id})
    db.session.flush()
    rows = ranking(round_)
    taken = set(db.session.scalars(sa.select(Award.bid_id).where(Award.round_id == round_.id)))
    successor = next((r for r in rows if r.mean is not None and r.bid_id not in taken), None)
    changed = {award.bid_id}
    if successor is not None:
        db.session.add(Award(round_id=round_.id, bid_id=successor.bid_id, rank_at_award=successor.rank,
                             rationale=_("原拟揭榜单位因异议成立被取消，按评审排名递补"), awarded_at=now,
                             awarded_by_id=actor.id))
        changed.add(successor.bid_id)
        db.session.flush()
    if not _active_awards(round_):
        raise ReviewConflict(_("取消后没有可递补的申报，请先重新研究处理方案"))
    old = current_publicity(round_.challenge_id)
    note = _("因异议成立，取消原拟揭榜单位%(lead)s，按评审排名%(next)s，现更正公示",
             lead=next(r.lead_name for r in rows if r.bid_id == award.bid_id),
             next=_("由%(s)s递补", s=successor.lead_name) if successor else _("不再递补"))
    publicity = issue_publicity(round_, actor=actor, now=now, corrects=old, note=note)
    _notify_bidders(round_, publicity, {r.bid_id: r for r in rows}, only=changed)
    return publicity


def _answer_objector(objection: Objection) -> None:
    """The answer goes to the objector by e-mail (through the outbox, after commit)."""
    if not objection.email or not current_app.config.get("MAIL_SERVER"):
        return
    context = {"objection": objection, "title": objection.challenge.title}
    subject = _("关于您对“%(title)s”揭榜结果公示所提异议的答复", title=objection.challenge.title)
    outbox.enqueue("email", {"to": objection.email, "subject": subject,
                             "text": render_template("reviews/objection_answer.txt", **context),
                             "html": render_template("reviews/objection_answer.html", **context)}, [])
