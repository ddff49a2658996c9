"""The bidder's pages: my bids, start, edit, submit, re-confirm, withdraw, attachments.

Bid pages (detail, versions, diff, attachment download) are shared with bureau
staff once the challenge's bids are opened (only bids that took part); before that
they are 404 for them. Organisations named as consortium members read the submitted
version (never the working copy). URLs name bids and attachments by their random
``public_id``; the integer ids stay internal.
"""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request, send_file,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..auth.models import Organisation, Role
from ..challenges.models import Challenge, ChallengeState
from ..core import navigation
from ..core.errors import rerender_on_error
from ..core.pagination import paginate
from ..core.permissions import load_or_404, require, role_required
from ..core.policy import policy
from ..core.timeutil import utcnow
from ..documents.queries import documents_for
from ..extensions import db, limiter
from . import files, rules
from . import operations as ops
from .forms import AttachmentForm, BidForm, ConfirmForm, SubmitForm, WithdrawForm
from .models import PUBLIC_ID_LENGTH, AttachmentKind, Bid, BidAttachment, BidVersion
from .seal import bid_history, opening_for
from .snapshots import missed_kpi_ids, view_of
from .versions import diff, snapshot
from .viewutil import act as _act
from .viewutil import error_page

bp = Blueprint("bids", __name__, url_prefix="/bids")

navigation.register(_l("我的揭榜"), "bids.index", [Role.APPLICANT], order=21)

TOKEN = f"string(length={PUBLIC_ID_LENGTH})"


@bp.app_template_global("kpi_misses")
def _kpi_misses_global(data: dict, bid: Bid) -> set[int]:
    return missed_kpi_ids(data, bid.challenge)


@bp.app_template_global("bid_take_up")
def _take_up_global(challenge) -> dict:
    """For the portal's 我要揭榜: {"offer": bool, "reasons": [...], "bid": token or None}."""
    return take_up_offer(challenge, current_user)


def _by_token(model, token: str):
    obj = db.session.scalar(select(model).where(model.public_id == token))
    if obj is None:
        abort(404)
    return obj


def _load(token: str) -> Bid:
    bid = _by_token(Bid, token)
    if not bid.can_view(current_user):
        abort(404)  # a sealed or foreign bid does not exist for this user
    return bid


def _load_own(token: str) -> Bid:
    bid = _load(token)
    require(bid.is_owned_by(current_user))
    return bid


def take_up_offer(challenge, user) -> dict:
    """Whether 我要揭榜 is offered to ``user`` on ``challenge`` and, if not, why — said up
    front instead of a refusal after the click (issuer, same credit code, bad credit,
    ineligible organisation type, existing bid)."""
    if not (getattr(user, "is_authenticated", False) and user.can_bid and user.organisation is not None):
        return {"offer": False, "reasons": [], "bid": None}
    existing = db.session.scalar(select(Bid).where(Bid.challenge_id == challenge.id,
                                                   Bid.organisation_id == user.organisation_id))
    if existing is not None:
        return {"offer": False, "reasons": [], "bid": existing.public_id}
    reasons = [m for _f, m in ops.take_up_problems(challenge, user.organisation)]
    return {"offer": not reasons, "reasons": reasons, "bid": None}


@bp.route("/")
@role_required(Role.APPLICANT)
def index():
    org_id = current_user.organisation_id
    stmt = (select(Bid).where(Bid.organisation_id == org_id)
            .order_by(Bid.updated_at.desc(), Bid.id.desc()))
    now = utcnow()
    open_challenges = db.session.scalars(
        select(Challenge).where(Challenge.state == ChallengeState.PUBLISHED, Challenge.bid_deadline_at > now,
                                Challenge.bid_opens_at <= now)
        .order_by(Challenge.bid_deadline_at, Challenge.id).limit(50)).all()
    mine = {b.challenge_id for b in db.session.scalars(select(Bid).where(Bid.organisation_id == org_id))}
    # Bids whose latest submitted version names this organisation as a consortium member.
    candidates = db.session.scalars(
        select(Bid).join(BidVersion, (BidVersion.bid_id == Bid.id)
                         & (BidVersion.version_no == Bid.current_version_no))
        .where(Bid.organisation_id != org_id, Bid.current_version_no >= 1)
        .where(BidVersion.snapshot_json.contains(f'"id": {int(org_id)},'))
        .order_by(Bid.last_submitted_at.desc()).limit(200)).all()
    member_of = [b for b in candidates if b.is_named_member(current_user)]
    return render_template("bids/index.html", page=paginate(stmt), open_challenges=open_challenges,
                           mine=mine, member_of=member_of, confirm=ConfirmForm(), now=now,
                           refusals={c.id: [m for _f, m in ops.take_up_problems(c, current_user.organisation)]
                                     for c in open_challenges if c.id not in mine})


@bp.route("/start/<int:challenge_id>", methods=["POST"])
@role_required(Role.APPLICANT)
def start(challenge_id):
    challenge = load_or_404(Challenge, challenge_id)
    if not challenge.is_public:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return error_page(400, _("请求无效，请刷新页面后重试"))
    bid = ops.start_bid(challenge, actor=current_user)
    return redirect(url_for("bids.edit", bid=bid.public_id))


@bp.route(f"/<{TOKEN}:bid>")
@login_required
def detail(bid):
    bid = _load(bid)
    owner = bid.is_owned_by(current_user)
    version = bid.latest_version
    shown = snapshot(bid) if owner else version.snapshot
    now = utcnow()
    return render_template(
        "bids/detail.html", bid=bid, owner=owner, data=shown, version=version,
        member_view=not owner and bid.is_named_member(current_user),
        history=bid_history(bid) if owner or (bid.is_opened() and not bid.is_named_member(current_user)) else [],
        opening=opening_for(bid.challenge), documents=documents_for(bid) if bid.can_file_summary(current_user) else [],
        summary_form=ConfirmForm(), submit_form=SubmitForm(base_version=bid.current_version_no),
        kpi_warnings=ops.kpi_miss_messages(bid) if owner and bid.can_edit(current_user, now) else [],
        overlap=ops.overlap_warnings(bid) if owner else [],
        withdraw_form=WithdrawForm(), confirm=ConfirmForm(), attachment_form=AttachmentForm(), now=now)


def _member_choices(bid: Bid):
    """Eligible organisations (rules 1 and 7, organisation types); those with a
    bad-credit record are marked (rule 8: they would be refused)."""
    orgs = db.session.scalars(
        select(Organisation).where(Organisation.is_active.is_(True), Organisation.id != bid.organisation_id,
                                   Organisation.id != bid.challenge.issuer_id,
                                   Organisation.org_type.in_(sorted(rules.ELIGIBLE_ORG_TYPES)))
        .order_by(Organisation.name)).all()
    years = policy("bad_credit_lookback_years")
    choices = []
    for o in orgs:
        label = f"{o.name}（{o.org_type.label}）"
        attrs = {"data-search": f"{o.name} {o.credit_code}"}
        if o.bad_credit_within(years):
            label += _("【近%(y)s年有失信记录，不能参与】", y=years)
            attrs["data-bad-credit"] = "1"
        choices.append(SelectChoice(o.id, label, render_kw=attrs))
    return choices


def _form_misses(bid: Bid, form) -> set[int]:
    """KPIs whose value in the form misses the challenge's target (marked on the page)."""
    values = {}
    for row in form.kpis.entries:
        try:
            values[int(row.form.kpi_id.data)] = row.form.proposed_value.data
        except (TypeError, ValueError):
            continue
    return {k.id for k in bid.challenge.kpis
            if values.get(k.id) is not None
            and rules.misses_target(k.comparator.value, k.target_value, values[k.id])}


def _render_edit(bid, form, status=200, *, confirm_misses=False):
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
                           budget=budget, max_members=policy("max_consortium_members"),
                           misses=_form_misses(bid, form), confirm_misses=confirm_misses,
                           overlap=ops.overlap_warnings(bid)), status


@bp.route(f"/<{TOKEN}:bid>/edit", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def edit(bid):
    token = bid
    bid = _load_own(token)
    if not bid.can_edit(current_user):
        return error_page(409, _("该申报当前不能修改：揭榜已截止或申报已撤回、已审查"))
    form = BidForm()
    form.member_ids.choices = _member_choices(bid)
    if request.method == "GET":
        form.fill_from(bid)
        return _render_edit(bid, form)

    def rerender(exc):
        # The unit of work rolled back: the page shows the stored bid and what was typed.
        form.attach_problems(exc.problems or [("", str(exc))])
        fresh = _load_own(token)
        form.member_ids.choices = _member_choices(fresh)
        return _render_edit(fresh, form, confirm_misses=isinstance(exc, ops.KpiMissesUnconfirmed))[0]

    rerender_on_error(rerender)
    if not form.validate_on_submit():
        flash(_("表单中有错误，请按提示修改"), "error")
        return _render_edit(bid, form, 400)
    ops.save_bid(bid, form.to_data(bid), actor=current_user)
    if form.action.data != "submit":
        flash(_("草稿已保存"), "success")
        return redirect(url_for("bids.edit", bid=bid.public_id))
    base = form.base_version_number()
    version = ops.submit_bid(bid, actor=current_user, base_version=base,
                             accept_kpi_misses=bool(form.accept_kpi_misses.data))
    _flash_submitted(version, base)
    return redirect(url_for("bids.detail", bid=bid.public_id))


def _flash_submitted(version, base) -> None:
    if version.version_no == base:
        flash(_("内容无变化，未生成新版本（仍以第%(n)s版为准）", n=version.version_no), "info")
    else:
        flash(_("申报已提交（第%(n)s版）", n=version.version_no), "success")


def _versioned_action(token, operation, done_message):
    bid = _load_own(token)
    form = SubmitForm()
    done = {}

    def call():
        base = form.base_version_number()
        done["version"] = operation(bid, actor=current_user, base_version=base,
                                    accept_kpi_misses=bool(form.accept_kpi_misses.data))
        done["base"] = base

    def rerender(exc):
        # Refused (a KPI the amendment added is unanswered, a rule broken...): show the
        # edit form with every problem next to its field, not a dead-end page.
        fresh = _load_own(token)
        edit_form = BidForm(formdata=None)
        edit_form.member_ids.choices = _member_choices(fresh)
        edit_form.fill_from(fresh)
        edit_form.attach_problems(exc.problems or [("", str(exc))])
        return _render_edit(fresh, edit_form, confirm_misses=isinstance(exc, ops.KpiMissesUnconfirmed))[0]

    if not form.validate_on_submit():
        return error_page(400, _("请求无效，请刷新页面后重试"))
    if bid.can_edit(current_user):
        rerender_on_error(rerender)
    call()
    done_message(done["version"], done["base"])
    return redirect(url_for("bids.detail", bid=bid.public_id))


@bp.route(f"/<{TOKEN}:bid>/submit", methods=["POST"])
@role_required(Role.APPLICANT)
def submit(bid):
    return _versioned_action(bid, ops.submit_bid, _flash_submitted)


@bp.route(f"/<{TOKEN}:bid>/reconfirm", methods=["POST"])
@role_required(Role.APPLICANT)
def reconfirm(bid):
    return _versioned_action(bid, ops.reconfirm_bid, lambda version, _base: flash(
        _("已按变更后的榜单重新确认申报（第%(n)s版）", n=version.version_no), "success"))


@bp.route(f"/<{TOKEN}:bid>/withdraw", methods=["POST"])
@role_required(Role.APPLICANT)
def withdraw(bid):
    bid = _load_own(bid)
    form = WithdrawForm()
    return _act(form, lambda: ops.withdraw_bid(bid, actor=current_user, reason=form.reason.data),
                _("申报已撤回，不再参与揭榜。截止前可点“重新编辑”恢复为草稿，修改后须重新提交才参与。"),
                url_for("bids.detail", bid=bid.public_id))


@bp.route(f"/<{TOKEN}:bid>/reopen", methods=["POST"])
@role_required(Role.APPLICANT)
def reopen(bid):
    bid = _load_own(bid)
    return _act(ConfirmForm(), lambda: ops.reopen_bid(bid, actor=current_user),
                _("申报已恢复为草稿。撤回前提交的版本已失效，须在截止前重新提交才参与揭榜。"),
                url_for("bids.edit", bid=bid.public_id))


def _upload_limit() -> str:
    return current_app.config.get("BID_UPLOAD_RATE_LIMIT", "30 per hour")


def _user_key() -> str:
    return f"bid-upload:user:{current_user.id}"


@bp.route(f"/<{TOKEN}:bid>/attachments", methods=["POST"])
@role_required(Role.APPLICANT)
@limiter.limit(_upload_limit, key_func=_user_key, methods=["POST"])
def upload(bid):
    bid = _load_own(bid)
    form = AttachmentForm()
    if not form.validate_on_submit():
        return error_page(400, "；".join(str(e) for errors in form.errors.values() for e in errors))
    try:
        attachment = ops.add_attachment(bid, form.file.data.stream, form.file.data.filename,
                                        AttachmentKind(form.kind.data), actor=current_user)
    except files.UploadRejected as exc:
        return error_page(exc.status, str(exc))
    flash(_("附件“%(name)s”已上传", name=attachment.display_name), "success")
    return redirect(url_for("bids.detail", bid=bid.public_id) + "#attachments")


def _attachment_of(bid: Bid, token: str) -> BidAttachment:
    attachment = _by_token(BidAttachment, token)
    if attachment.bid_id != bid.id:
        abort(404)
    return attachment


@bp.route(f"/<{TOKEN}:bid>/attachments/<{TOKEN}:attachment>/remove", methods=["POST"])
@role_required(Role.APPLICANT)
def remove_attachment(bid, attachment):
    bid = _load_own(bid)
    attachment = _attachment_of(bid, attachment)
    return _act(ConfirmForm(), lambda: ops.remove_attachment(attachment, actor=current_user), _("附件已删除"),
                url_for("bids.detail", bid=bid.public_id) + "#attachments")


@bp.route(f"/<{TOKEN}:bid>/attachments/<{TOKEN}:attachment>")
@login_required
def download(bid, attachment):
    bid = _load(bid)
    attachment = _attachment_of(bid, attachment)
    if not bid.is_owned_by(current_user):
        # Staff see only files of the submitted versions; consortium members only the
        # files of the latest version (the one that names them).
        versions = bid.versions if not bid.is_named_member(current_user) else [bid.latest_version]
        submitted = {a["id"] for v in versions for a in v.snapshot["attachments"]}
        if attachment.id not in submitted:
            abort(404)
    path = files.store().path_for(attachment.sha256)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.display_name, max_age=0, conditional=False, etag=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _version(bid: Bid, number: int) -> BidVersion:
    version = next((v for v in bid.versions if v.version_no == number), None)
    if version is None:
        abort(404)
    if (not bid.is_owned_by(current_user) and bid.is_named_member(current_user)
            and current_user.organisation_id not in version.member_ids):
        abort(404)  # a member reads the versions that name it
    return version


@bp.route(f"/<{TOKEN}:bid>/versions/<int:number>")
@login_required
def version(bid, number):
    bid = _load(bid)
    shown = _version(bid, number)
    return render_template("bids/version.html", bid=bid, version=shown, data=shown.snapshot,
                           view=view_of(bid, shown))


@bp.route(f"/<{TOKEN}:bid>/versions/<int:old>/diff/<int:new>")
@login_required
def version_diff(bid, old, new):
    bid = _load(bid)
    a, b = _version(bid, old), _version(bid, new)
    return render_template("bids/diff.html", bid=bid, old=a, new=b, changes=diff(a.snapshot, b.snapshot))
