"""The bidder's pages: my bids, start, edit, submit, re-confirm, withdraw, attachments.

Bid pages (detail, versions, diff, attachment download) are shared with bureau
staff once the challenge's bids are opened; before that they are 404 for them.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..auth.models import Organisation, OrgType, Role
from ..challenges.models import Challenge, ChallengeState
from ..core import navigation
from ..core.pagination import paginate
from ..core.permissions import load_or_404, require, role_required
from ..core.policy import policy
from ..core.timeutil import utcnow
from ..documents.queries import documents_for
from ..extensions import db
from . import files
from . import operations as ops
from .forms import AttachmentForm, BidForm, ConfirmForm, SubmitForm, WithdrawForm
from .models import AttachmentKind, Bid, BidAttachment, BidVersion
from .seal import bid_history, opening_for
from .versions import diff, snapshot
from .viewutil import act as _act
from .viewutil import error_page

bp = Blueprint("bids", __name__, url_prefix="/bids")

navigation.register(_l("我的揭榜"), "bids.index", [Role.APPLICANT], order=21)


def _load(bid_id: int) -> Bid:
    bid = load_or_404(Bid, bid_id)
    if not bid.can_view(current_user):
        abort(404)  # a sealed or foreign bid does not exist for this user
    return bid


def _load_own(bid_id: int) -> Bid:
    bid = _load(bid_id)
    require(bid.is_owned_by(current_user))
    return bid


@bp.route("/")
@role_required(Role.APPLICANT)
def index():
    stmt = (select(Bid).where(Bid.organisation_id == current_user.organisation_id)
            .order_by(Bid.updated_at.desc(), Bid.id.desc()))
    now = utcnow()
    open_challenges = db.session.scalars(
        select(Challenge).where(Challenge.state == ChallengeState.PUBLISHED, Challenge.bid_deadline_at > now,
                                Challenge.bid_opens_at <= now)
        .order_by(Challenge.bid_deadline_at, Challenge.id).limit(50)).all()
    mine = {b.challenge_id for b in db.session.scalars(
        select(Bid).where(Bid.organisation_id == current_user.organisation_id))}
    return render_template("bids/index.html", page=paginate(stmt), open_challenges=open_challenges,
                           mine=mine, confirm=ConfirmForm())


@bp.route("/start/<int:challenge_id>", methods=["POST"])
@role_required(Role.APPLICANT)
def start(challenge_id):
    challenge = load_or_404(Challenge, challenge_id)
    if not challenge.is_public:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return error_page(400, _("请求无效，请刷新页面后重试"))
    bid = ops.start_bid(challenge, actor=current_user)
    return redirect(url_for("bids.edit", bid_id=bid.id))


@bp.route("/<int:bid_id>")
@login_required
def detail(bid_id):
    bid = _load(bid_id)
    owner = bid.is_owned_by(current_user)
    version = bid.latest_version
    shown = snapshot(bid) if owner else version.snapshot
    return render_template(
        "bids/detail.html", bid=bid, owner=owner, data=shown, version=version,
        history=bid_history(bid) if owner or bid.is_opened() else [],
        opening=opening_for(bid.challenge), documents=[] if owner else documents_for(bid),
        summary_form=ConfirmForm(), submit_form=SubmitForm(base_version=bid.current_version_no),
        withdraw_form=WithdrawForm(), confirm=ConfirmForm(), attachment_form=AttachmentForm(), now=utcnow())


def _member_choices(bid: Bid):
    orgs = db.session.scalars(
        select(Organisation).where(Organisation.is_active.is_(True), Organisation.id != bid.organisation_id,
                                   Organisation.id != bid.challenge.issuer_id,
                                   Organisation.org_type != OrgType.GOVERNMENT)
        .order_by(Organisation.name)).all()
    return [SelectChoice(o.id, f"{o.name}（{o.org_type.label}）") for o in orgs]


def _render_edit(bid, form, status=200):
    challenge = bid.challenge
    budget = {
        "min_total": policy("min_agreement_total_fen"), "cap": policy("single_project_cap_fen"),
        "support": challenge.support_fen, "issuer": challenge.issuer_funding_fen,
        "ratio": policy("academic_self_funding_ratio" if bid.organisation.org_type.is_academic
                        else "enterprise_self_funding_ratio"),
    }
    rows = list(zip(challenge.kpis, form.kpis.entries))
    milestones = list(zip(bid.milestones, form.milestones.entries))
    return render_template("bids/edit.html", bid=bid, form=form, kpi_rows=rows, milestone_rows=milestones,
                           budget=budget, max_members=policy("max_consortium_members")), status


@bp.route("/<int:bid_id>/edit", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def edit(bid_id):
    bid = _load_own(bid_id)
    if not bid.can_edit(current_user):
        return error_page(409, _("该申报当前不能修改：揭榜已截止或申报已撤回、已审查"))
    form = BidForm()
    form.member_ids.choices = _member_choices(bid)
    if request.method == "GET":
        form.fill_from(bid)
        return _render_edit(bid, form)
    if not form.validate_on_submit():
        flash(_("表单中有错误，请按提示修改"), "error")
        return _render_edit(bid, form, 400)
    try:
        ops.save_bid(bid, form.to_data(bid), actor=current_user)
        if form.action.data == "submit":
            ops.submit_bid(bid, actor=current_user, base_version=form.base_version_number())
    except ops.BidInvalid as exc:
        db.session.rollback()  # re-render from the stored state
        for _field, message in exc.problems:
            flash(message, "error")
        bid = _load_own(bid_id)
        return _render_edit(bid, form, 400)
    except ops.BidError as exc:
        return error_page(exc.status, str(exc))
    flash(_("申报已提交（第%(n)s版）", n=bid.current_version_no) if form.action.data == "submit"
          else _("草稿已保存"), "success")
    return redirect(url_for("bids.detail", bid_id=bid.id) if form.action.data == "submit"
                    else url_for("bids.edit", bid_id=bid.id))


def _versioned_action(bid_id, operation, done_message):
    bid = _load_own(bid_id)
    form = SubmitForm()
    return _act(form, lambda: operation(bid, actor=current_user, base_version=form.base_version_number()),
                lambda: done_message(bid), url_for("bids.detail", bid_id=bid.id))


@bp.route("/<int:bid_id>/submit", methods=["POST"])
@role_required(Role.APPLICANT)
def submit(bid_id):
    return _versioned_action(bid_id, ops.submit_bid,
                             lambda bid: _("申报已提交（第%(n)s版）", n=bid.current_version_no))


@bp.route("/<int:bid_id>/reconfirm", methods=["POST"])
@role_required(Role.APPLICANT)
def reconfirm(bid_id):
    return _versioned_action(bid_id, ops.reconfirm_bid,
                             lambda bid: _("已按变更后的榜单重新确认申报（第%(n)s版）", n=bid.current_version_no))


@bp.route("/<int:bid_id>/withdraw", methods=["POST"])
@role_required(Role.APPLICANT)
def withdraw(bid_id):
    bid = _load_own(bid_id)
    form = WithdrawForm()
    return _act(form, lambda: ops.withdraw_bid(bid, actor=current_user, reason=form.reason.data),
                _("申报已撤回；截止前可重新编辑并提交"), url_for("bids.detail", bid_id=bid.id))


@bp.route("/<int:bid_id>/reopen", methods=["POST"])
@role_required(Role.APPLICANT)
def reopen(bid_id):
    bid = _load_own(bid_id)
    return _act(ConfirmForm(), lambda: ops.reopen_bid(bid, actor=current_user), _("申报已恢复为草稿，可修改后提交"),
                url_for("bids.edit", bid_id=bid.id))


@bp.route("/<int:bid_id>/attachments", methods=["POST"])
@role_required(Role.APPLICANT)
def upload(bid_id):
    bid = _load_own(bid_id)
    form = AttachmentForm()
    if not form.validate_on_submit():
        return error_page(400, "；".join(str(e) for errors in form.errors.values() for e in errors))
    try:
        attachment = ops.add_attachment(bid, form.file.data.stream, form.file.data.filename,
                                        AttachmentKind(form.kind.data), actor=current_user)
    except files.UploadRejected as exc:
        return error_page(exc.status, str(exc))
    except ops.BidError as exc:
        return error_page(exc.status, str(exc))
    flash(_("附件“%(name)s”已上传", name=attachment.display_name), "success")
    return redirect(url_for("bids.detail", bid_id=bid.id) + "#attachments")


@bp.route("/<int:bid_id>/attachments/<int:attachment_id>/remove", methods=["POST"])
@role_required(Role.APPLICANT)
def remove_attachment(bid_id, attachment_id):
    bid = _load_own(bid_id)
    attachment = load_or_404(BidAttachment, attachment_id)
    if attachment.bid_id != bid.id:
        abort(404)
    return _act(ConfirmForm(), lambda: ops.remove_attachment(attachment, actor=current_user), _("附件已删除"),
                url_for("bids.detail", bid_id=bid.id) + "#attachments")


@bp.route("/<int:bid_id>/attachments/<int:attachment_id>")
@login_required
def download(bid_id, attachment_id):
    bid = _load(bid_id)
    attachment = load_or_404(BidAttachment, attachment_id)
    if attachment.bid_id != bid.id:
        abort(404)
    if not bid.is_owned_by(current_user):
        # Staff see only files that are part of a submitted version.
        submitted = {a["id"] for v in bid.versions for a in v.snapshot["attachments"]}
        if attachment.id not in submitted:
            abort(404)
    path = files.store().path_for(attachment.sha256)
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.display_name, max_age=0, conditional=False, etag=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _version(bid: Bid, number: int) -> BidVersion:
    version = next((v for v in bid.versions if v.version_no == number), None)
    if version is None:
        abort(404)
    return version


@bp.route("/<int:bid_id>/versions/<int:number>")
@login_required
def version(bid_id, number):
    bid = _load(bid_id)
    shown = _version(bid, number)
    return render_template("bids/version.html", bid=bid, version=shown, data=shown.snapshot)


@bp.route("/<int:bid_id>/versions/<int:old>/diff/<int:new>")
@login_required
def version_diff(bid_id, old, new):
    bid = _load(bid_id)
    a, b = _version(bid, old), _version(bid, new)
    return render_template("bids/diff.html", bid=bid, old=a, new=b, changes=diff(a.snapshot, b.snapshot))
