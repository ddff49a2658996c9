"""The bureau's pages: organising the review (scorecard), the draw and its replay,
补抽, reopening a score, the ranking with its chart and xlsx export, the award, and
the handling of objections."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..auth.models import Role
from ..challenges.models import Challenge, ChallengeState
from ..core import navigation
from ..core.audit import record_event
from ..core.errors import error_page, rerender_on_error
from ..core.pagination import paginate
from ..core.permissions import load_or_404, role_required
from ..core.policy import policy
from ..core.storage import BlobStore
from ..core.timeutil import local_now, local_to_utc, utcnow
from ..extensions import db
from . import award as award_ops
from . import operations as ops
from .chart import ranking_svg
from .export import score_sheet
from .forms import ActionForm, AwardForm, ReasonForm, ResolveForm, RoundForm, attach_problems
from .models import VACATED, Award, ExpertReview, Objection, ObjectionState, ReviewDraw, ReviewRound
from .queries import approval_blockers, current_publicity, ranking

bp = Blueprint("review_manage", __name__, url_prefix="/manage/reviews")

navigation.register(_l("专家评审"), "review_manage.index", [Role.BUREAU], order=13)

REVIEW_STATES = (ChallengeState.UNDER_REVIEW, ChallengeState.AWARDED, ChallengeState.IN_PROGRESS,
                 ChallengeState.FINISHED)


@bp.route("/")
@role_required(Role.BUREAU)
def index():
    page = paginate(sa.select(Challenge).where(Challenge.state.in_(REVIEW_STATES))
                    .order_by(Challenge.bid_deadline_at.desc(), Challenge.id.desc()))
    ids = [c.id for c in page.items]
    rounds = {r.challenge_id: r for r in db.session.scalars(sa.select(ReviewRound)
                                                            .where(ReviewRound.challenge_id.in_(ids)))}
    return render_template("reviews/manage_index.html", page=page, rounds=rounds)


def _challenge(challenge_id: int) -> Challenge:
    challenge = load_or_404(Challenge, challenge_id)
    if challenge.state not in REVIEW_STATES:
        abort(404)
    return challenge


def _round_page_form(challenge, form, status=200):
    return render_template("reviews/round_form.html", challenge=challenge, form=form,
                           bids=ops.passed_bids(challenge)), status


@bp.route("/challenge/<int:challenge_id>/round", methods=["GET", "POST"])
@role_required(Role.BUREAU)
def open_round(challenge_id):
    challenge = _challenge(challenge_id)
    if challenge.review_round is not None:
        return redirect(url_for("review_manage.round_detail", round_id=challenge.review_round.id))
    form = RoundForm()
    if request.method == "GET":
        form.panel_size.data = policy("review_panel_size")
        form.scoring_deadline_at.data = (local_now() + timedelta(days=14)).replace(
            hour=17, minute=0, second=0, microsecond=0, tzinfo=None)
        while len(form.criteria):
            form.criteria.pop_entry()
        for c in ops.default_criteria():
            form.criteria.append_entry({"name": c.name, "description": c.description, "weight": c.weight,
                                        "max_score": c.max_score})
        for _n in range(2):
            form.criteria.append_entry()
        return _round_page_form(challenge, form)
    rerender_on_error(lambda exc: (attach_problems(form, exc.problems), _round_page_form(challenge, form)[0])[1])
    if not form.validate_on_submit():
        return _round_page_form(challenge, form, 400)
    round_ = ops.open_review_round(challenge, actor=current_user, panel_size=form.panel_size.data,
                                   scoring_deadline_at=local_to_utc(form.scoring_deadline_at.data),
                                   criteria=form.criteria_data())
    flash(_("已组织专家评审，请抽取评审专家"), "success")
    return redirect(url_for("review_manage.round_detail", round_id=round_.id))


def _round(round_id: int) -> ReviewRound:
    return load_or_404(ReviewRound, round_id)


@bp.route("/round/<int:round_id>")
@role_required(Role.BUREAU)
def round_detail(round_id):
    round_ = _round(round_id)
    reviews = db.session.scalars(sa.select(ExpertReview).where(ExpertReview.round_id == round_.id)
                                 .options(sa.orm.joinedload(ExpertReview.expert))
                                 .order_by(ExpertReview.bid_id, ExpertReview.id)).all()
    replaced = {r.replaces_review_id for r in reviews if r.replaces_review_id is not None}
    bids = {b.id: b for b in ops.passed_bids(round_.challenge)}
    return render_template("reviews/round.html", round=round_, reviews=reviews, bids=bids, replaced=replaced,
                           vacated=VACATED, action=ActionForm(), reason=ReasonForm(), now=utcnow(),
                           publicity=current_publicity(round_.challenge_id))


@bp.route("/round/<int:round_id>/draw", methods=["POST"])
@role_required(Role.BUREAU)
def draw(round_id):
    round_ = _round(round_id)
    if not ActionForm().validate_on_submit():
        return error_page(400, _("请求无效，请刷新页面后重试"))
    result = ops.draw_experts(round_, actor=current_user)
    flash(_("已抽取%(n)s名评审专家（随机种子 %(seed)s）", n=len(result.selected), seed=result.seed), "success")
    return redirect(url_for("review_manage.draw_detail", draw_id=result.id))


@bp.route("/review/<int:review_id>/replace", methods=["POST"])
@role_required(Role.BUREAU)
def replace(review_id):
    review = load_or_404(ExpertReview, review_id)
    if not ActionForm().validate_on_submit():
        return error_page(400, _("请求无效，请刷新页面后重试"))
    result = ops.draw_replacement(review, actor=current_user)
    flash(_("已补抽1名评审专家（随机种子 %(seed)s）", seed=result.seed), "success")
    return redirect(url_for("review_manage.draw_detail", draw_id=result.id))


@bp.route("/draw/<int:draw_id>")
@role_required(Role.BUREAU, Role.ADMIN)
def draw_detail(draw_id):
    record = load_or_404(ReviewDraw, draw_id)
    replay = ops.replay_draw(record)
    vacancy = db.session.scalar(sa.select(ExpertReview).where(ExpertReview.draw_id == record.id,
                                                              ExpertReview.replaces_review_id.is_not(None)).limit(1))
    return render_template("reviews/draw.html", draw=record, replay=replay,
                           vacancy=vacancy.replaces if vacancy else None,
                           selected=set(record.selected), excluded={e["id"] for e in record.exclusions})


@bp.route("/review/<int:review_id>/reopen", methods=["POST"])
@role_required(Role.BUREAU)
def reopen(review_id):
    review = load_or_404(ExpertReview, review_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return error_page(400, _("退回重评必须填写理由"))
    ops.reopen_review(review, actor=current_user, reason=form.reason.data)
    flash(_("已退回专家重评"), "success")
    return redirect(url_for("review_manage.round_detail", round_id=review.round_id))


@bp.route("/round/<int:round_id>/ranking", endpoint="ranking")
@role_required(Role.BUREAU)
def ranking_page(round_id):
    round_ = _round(round_id)
    rows = ranking(round_)
    return render_template("reviews/ranking.html", round=round_, rows=rows, criteria=round_.criteria,
                           chart=ranking_svg(rows), action=ActionForm(),
                           flag_points=policy("score_deviation_flag_points"))


@bp.route("/round/<int:round_id>/export", methods=["POST"])
@role_required(Role.BUREAU)
def export(round_id):
    round_ = _round(round_id)
    if not ActionForm().validate_on_submit():
        return error_page(400, _("请求无效，请刷新页面后重试"))
    data = score_sheet(round_, ranking(round_))
    record_event(round_, "score_sheet_exported", actor=current_user, data={"bytes": len(data.getvalue())})
    return send_file(data, as_attachment=True, download_name=f"score-sheet-{round_.challenge_id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", max_age=0)


def _award_page(round_, form, rows, status=200):
    return render_template("reviews/award.html", round=round_, form=form, rows=rows), status


@bp.route("/round/<int:round_id>/award", methods=["GET", "POST"])
@role_required(Role.BUREAU)
def award(round_id):
    round_ = _round(round_id)
    rows = ranking(round_)
    form = AwardForm()
    form.bid_ids.choices = [SelectChoice(r.bid_id, f"{r.rank}. {r.lead_name}") for r in rows]
    if request.method == "GET":
        form.bid_ids.data = [r.bid_id for r in rows if r.mean is not None][:round_.challenge.slots]
        return _award_page(round_, form, rows)
    rerender_on_error(lambda exc: (attach_problems(form, exc.problems), _award_page(round_, form, rows)[0])[1])
    if not form.validate_on_submit():
        return _award_page(round_, form, rows, 400)
    publicity = award_ops.award_bids(round_, form.bid_ids.data or [], actor=current_user,
                                     rationale=form.rationale.data)
    flash(_("已确定揭榜方并发布揭榜结果公示：%(n)s", n=publicity.document.number), "success")
    return redirect(url_for("review_manage.round_detail", round_id=round_.id))


# -- objections ------------------------------------------------------------------------

@bp.route("/challenge/<int:challenge_id>/objections")
@role_required(Role.BUREAU)
def objections(challenge_id):
    challenge = _challenge(challenge_id)
    page = paginate(sa.select(Objection).where(Objection.challenge_id == challenge.id)
                    .order_by(Objection.filed_at.desc(), Objection.id.desc()))
    return render_template("reviews/objections.html", challenge=challenge, page=page,
                           publicity=current_publicity(challenge.id),
                           blockers=approval_blockers(challenge))


def _objection_page(objection, form, status=200):
    return render_template("reviews/objection.html", objection=objection, form=form), status


def _award_choices(objection):
    round_ = objection.challenge.review_round
    awards = db.session.scalars(sa.select(Award).where(Award.round_id == round_.id, Award.revoked_at.is_(None))
                                .order_by(Award.rank_at_award)).all() if round_ else []
    return [SelectChoice("", _("不取消"))] + [SelectChoice(str(a.id), a.bid.latest_version.snapshot["lead"]["name"])
                                            for a in awards]


@bp.route("/objection/<int:objection_id>", methods=["GET", "POST"])
@role_required(Role.BUREAU)
def objection(objection_id):
    item = load_or_404(Objection, objection_id)
    form = ResolveForm()
    form.revoke_award_id.choices = _award_choices(item)
    if request.method == "GET":
        return _objection_page(item, form)
    if item.state is not ObjectionState.OPEN:
        return error_page(409, _("该异议已经处理完毕"))
    rerender_on_error(lambda exc: (attach_problems(form, exc.problems), _objection_page(item, form)[0])[1])
    if not form.validate_on_submit():
        return _objection_page(item, form, 400)
    raw = form.revoke_award_id.data or ""
    valid_ids = {c.value for c in form.revoke_award_id.choices if c.value}
    if raw and raw not in valid_ids:
        attach_problems(form, [("revoke_award_id", _("请选择本榜单当前的拟揭榜单位"))])
        return _objection_page(item, form, 400)
    corrected = award_ops.resolve_objection(item, actor=current_user, sustained=form.outcome.data == "sustained",
                                            handling=form.handling.data, revoke_award_id=int(raw) if raw else None)
    flash(_("异议处理结果已记录") + ("；" + _("已发布更正公示：%(n)s", n=corrected.document.number)
                                    if corrected else ""), "success")
    return redirect(url_for("review_manage.objections", challenge_id=item.challenge_id))


@bp.route("/objection/<int:objection_id>/attachment")
@role_required(Role.BUREAU)
def objection_attachment(objection_id):
    item = load_or_404(Objection, objection_id)
    if item.attachment_sha256 is None:
        abort(404)
    path = BlobStore(current_app.config["UPLOAD_FOLDER"]).path_for(item.attachment_sha256)
    response = send_file(path, mimetype=item.attachment_type, as_attachment=True,
                         download_name=item.attachment_name, max_age=0, conditional=False, etag=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response

