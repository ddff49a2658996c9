"""The expert's pages: the to-do list, the conflict confirmation (or recusal) before
a bid is shown, and the scoring form. An expert sees only bids assigned to them,
only after confirming no conflict, and never another expert's scores: anything
else is 404, as if it did not exist."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.models import Role
from ..core import navigation
from ..core.errors import error_page, rerender_on_error
from ..core.permissions import load_or_404, role_required
from ..core.timeutil import utcnow
from . import operations as ops
from .forms import ActionForm, ReasonForm, attach_problems, score_form
from .models import ExpertReview, ReviewRound, ReviewState
from .queries import expert_todo

bp = Blueprint("reviews", __name__, url_prefix="/reviews")

navigation.register(_l("评审任务"), "reviews.index", [Role.EXPERT], order=30)


def _mine(review_id: int) -> ExpertReview:
    review = load_or_404(ExpertReview, review_id)
    if not review.is_expert(current_user) or review.is_vacated:
        abort(404)  # not assigned, recused or declined: the bid does not exist for this expert
    return review


@bp.route("/")
@role_required(Role.EXPERT)
def index():
    reviews = expert_todo(current_user)
    return render_template("reviews/expert_index.html", reviews=reviews, now=utcnow(), action=ActionForm(),
                           reason=ReasonForm())


@bp.route("/<int:review_id>/confirm", methods=["GET", "POST"])
@role_required(Role.EXPERT)
def confirm(review_id):
    """Before seeing a bid: the parties (by name and credit code) and the choice."""
    review = _mine(review_id)
    snap = review.bid.latest_version.snapshot
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            return error_page(400, _("请求无效，请刷新页面后重试"))
        if review.state is not ReviewState.ASSIGNED:
            return error_page(409, _("您已确认过该申报"))
        ops.confirm_no_conflict(review, actor=current_user)
        flash(_("已确认无利益冲突，可以开始评分"), "success")
        return redirect(url_for("reviews.score", review_id=review.id))
    return render_template("reviews/confirm.html", review=review, snap=snap, action=ActionForm(), reason=ReasonForm())


@bp.route("/<int:review_id>/recuse", methods=["POST"])
@role_required(Role.EXPERT)
def recuse(review_id):
    review = _mine(review_id)
    form = ReasonForm()
    snap = review.bid.latest_version.snapshot
    rerender_on_error(lambda exc: render_template("reviews/confirm.html", review=review, snap=snap,
                                                  action=ActionForm(), reason=form, error=str(exc)))
    if not form.validate_on_submit():
        return render_template("reviews/confirm.html", review=review, snap=snap, action=ActionForm(),
                               reason=form), 400
    if review.state not in (ReviewState.ASSIGNED, ReviewState.SCORING):
        return error_page(409, _("该评审意见已提交，不能再声明回避；如确有利益冲突请联系科技局"))
    ops.recuse(review, actor=current_user, reason=form.reason.data)
    flash(_("已声明回避，科技局将另行补抽专家"), "success")
    return redirect(url_for("reviews.index"))


@bp.route("/round/<int:round_id>/decline", methods=["POST"])
@role_required(Role.EXPERT)
def decline(round_id):
    round_ = load_or_404(ReviewRound, round_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return error_page(400, _("谢绝评审必须填写理由"))
    n = ops.decline_panel(round_, actor=current_user, reason=form.reason.data)  # 409 when not on the panel
    flash(_("已谢绝评审（%(n)s份申报），科技局将另行补抽专家", n=n), "success")
    return redirect(url_for("reviews.index"))


def _score_page(review, form, status=200):
    return render_template("reviews/score.html", review=review, form=form, snap=review.bid.latest_version.snapshot,
                           criteria=review.round.criteria, readonly=not review.can_score(current_user)), status


@bp.route("/<int:review_id>/score", methods=["GET", "POST"])
@role_required(Role.EXPERT)
def score(review_id):
    review = _mine(review_id)
    if not review.can_open(current_user):
        abort(404)  # not yet confirmed: the bid's content stays hidden
    criteria = review.round.criteria
    if request.method == "GET":
        return _score_page(review, score_form(criteria, review=review))
    form = score_form(criteria, formdata=request.form)
    if not review.can_score(current_user):
        return error_page(409, _("该评审意见已提交，不能修改；如需修改请联系科技局退回"))
    rerender_on_error(lambda exc: (attach_problems(form, exc.problems), _score_page(review, form)[0])[1])
    if not form.validate_on_submit():
        flash(_("表单中有错误，请按提示修改"), "error")
        return _score_page(review, form, 400)
    submit = request.form.get("action") == "submit"
    ops.save_scores(review, actor=current_user,
                    scores={c.id: getattr(form, f"score_{c.id}").data for c in criteria},
                    comments={c.id: getattr(form, f"comment_{c.id}").data for c in criteria},
                    comment=form.comment.data, submit=submit)
    flash(_("评分已提交") if submit else _("评分草稿已保存"), "success")
    return redirect(url_for("reviews.index") if submit else url_for("reviews.score", review_id=review.id))
