"""Admin pages of the official holiday calendar (节假日安排, ``/admin/calendar``):
list years, enter a year's days off and make-up working days by hand or from a CSV
file, mark the year complete (or withdraw the mark to correct it)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.models import Role
from ..extensions import db
from . import calendar_operations as ops
from . import navigation
from .calendar_forms import CompleteForm, ConfirmForm, DayForm, ImportForm, ReopenForm
from .calendar_models import MAX_YEAR, MIN_YEAR, CalendarDay, DayKind
from .calendar_queries import missing_schedules, overview, year_status
from .calendar_rules import MAX_CSV_BYTES, CalendarInputError, check_entry
from .permissions import load_or_404, role_required
from .timeutil import local_today
from .uploads import UploadRejected, read_limited

bp = Blueprint("calendar", __name__, url_prefix="/admin/calendar")

navigation.register(_l("节假日安排"), "calendar.index", [Role.ADMIN], order=92)
navigation.register_panel(
    "admin/calendar_panel.html", [Role.ADMIN], order=1,
    context=lambda user: {"missing": missing_schedules(), "today": local_today()},
)

EXAMPLE_CSV = (
    "date,kind,name\n"
    "2027-01-01,holiday,元旦\n"
    "2027-02-05,holiday,春节\n"
    "2027-02-06,holiday,春节\n"
)


def _year_or_404(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        abort(404)
    return year


def _year_page(year: int, *, status: int = 200, day_form=None, complete_form=None, reopen_form=None):
    info = year_status(year)
    days = info.row.days if info.row is not None else []
    return render_template(
        "admin/calendar_year.html", info=info, days=days, kinds=DayKind,
        day_form=day_form or DayForm(formdata=None),
        complete_form=complete_form or CompleteForm(formdata=None, source=info.row.source if info.row else ""),
        reopen_form=reopen_form or ReopenForm(formdata=None), confirm=ConfirmForm(formdata=None),
    ), status


def _refused(exc: ops.CalendarError, form=None):
    """Undo the refused change (the session may hold a failed flush) and show why."""
    db.session.rollback()
    if form is not None and exc.field and exc.field in form:
        form[exc.field].errors = [*form[exc.field].errors, str(exc)]
    else:
        flash(str(exc), "error")
    return exc.status


def _index_page(*, status: int = 200, import_form=None, problems=None):
    return render_template("admin/calendar.html", years=overview(), today=local_today(),
                           import_form=import_form or ImportForm(formdata=None), problems=problems,
                           max_kb=MAX_CSV_BYTES // 1024, min_year=MIN_YEAR, max_year=MAX_YEAR), status


@bp.route("")
@role_required(Role.ADMIN)
def index():
    wanted = request.args.get("year", "").strip()
    if wanted:
        if wanted.isascii() and wanted.isdigit() and MIN_YEAR <= int(wanted) <= MAX_YEAR:
            return redirect(url_for("calendar.year", year=int(wanted)))
        flash(_("年份应在 %(first)s 至 %(last)s 之间", first=MIN_YEAR, last=MAX_YEAR), "error")
        return _index_page(status=400)
    return _index_page()


@bp.route("/example.csv")
@role_required(Role.ADMIN)
def example_csv():
    return Response(EXAMPLE_CSV.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=calendar-example.csv"})


@bp.route("/<int:year>")
@role_required(Role.ADMIN)
def year(year):
    return _year_page(_year_or_404(year))


@bp.route("/<int:year>/days", methods=["POST"])
@role_required(Role.ADMIN)
def add_day(year):
    _year_or_404(year)
    form = DayForm()
    if not form.validate_on_submit():
        return _year_page(year, status=400, day_form=form)
    day = form.day.parsed
    if day.year != year:
        form.day.errors.append(_("日期 %(day)s 不属于 %(year)s 年", day=day.isoformat(), year=year))
        return _year_page(year, status=400, day_form=form)
    try:
        entry = check_entry(day, DayKind(form.kind.data), form.name.data)
        ops.add_day(entry, actor=current_user)
    except CalendarInputError as exc:
        form.day.errors.append(str(exc))
        return _year_page(year, status=400, day_form=form)
    except ops.CalendarError as exc:
        return _year_page(year, status=_refused(exc, form), day_form=form)
    flash(_("已录入 %(day)s", day=day.isoformat()), "success")
    return redirect(url_for("calendar.year", year=year))


@bp.route("/<int:year>/days/<int:day_id>/delete", methods=["POST"])
@role_required(Role.ADMIN)
def remove_day(year, day_id):
    _year_or_404(year)
    row = load_or_404(CalendarDay, day_id)
    if row.day.year != year:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        flash(_("请求无效，请检查输入"), "error")
        return _year_page(year, status=400)
    day = row.day
    try:
        ops.remove_day(row, actor=current_user)
    except ops.CalendarError as exc:
        return _year_page(year, status=_refused(exc))
    flash(_("已删除 %(day)s", day=day.isoformat()), "success")
    return redirect(url_for("calendar.year", year=year))


@bp.route("/<int:year>/complete", methods=["POST"])
@role_required(Role.ADMIN)
def complete(year):
    _year_or_404(year)
    form = CompleteForm()
    row = ops.find_year(year)
    if not form.validate_on_submit():
        return _year_page(year, status=400, complete_form=form)
    if row is None:
        flash(_("%(year)s 年尚未录入任何放假日期，不能标记为完成", year=year), "error")
        return _year_page(year, status=400, complete_form=form)
    try:
        ops.complete_year(row, actor=current_user, source=form.source.data)
    except ops.CalendarError as exc:
        return _year_page(year, status=_refused(exc, form), complete_form=form)
    flash(_("%(year)s 年的节假日安排已标记完成，计算该年度工作日时以录入数据为准", year=year), "success")
    return redirect(url_for("calendar.year", year=year))


@bp.route("/<int:year>/reopen", methods=["POST"])
@role_required(Role.ADMIN)
def reopen(year):
    _year_or_404(year)
    form = ReopenForm()
    row = ops.find_year(year)
    if not form.validate_on_submit():
        return _year_page(year, status=400, reopen_form=form)
    if row is None:
        abort(404)
    try:
        ops.reopen_year(row, actor=current_user, reason=form.reason.data)
    except ops.CalendarError as exc:
        return _year_page(year, status=_refused(exc, form), reopen_form=form)
    flash(_("已撤销 %(year)s 年的完成标记；修改后请重新标记完成", year=year), "success")
    return redirect(url_for("calendar.year", year=year))


@bp.route("/import", methods=["POST"])
@role_required(Role.ADMIN)
def import_csv():
    form = ImportForm()
    if not form.validate_on_submit():
        return _index_page(status=400, import_form=form)
    try:
        with form.file.data.stream as stream:
            data = read_limited(stream, MAX_CSV_BYTES)
    except UploadRejected as exc:
        form.file.errors.append(_("CSV 文件不能超过 %(kb)s KB", kb=MAX_CSV_BYTES // 1024))
        return _index_page(status=exc.status, import_form=form)
    try:
        summary = ops.import_csv(data, actor=current_user)
    except ops.CalendarImportRejected as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _index_page(status=400, import_form=form, problems=exc.problems)
    except ops.CalendarError as exc:
        return _index_page(status=_refused(exc, form), import_form=form)
    for year_no, info in sorted(summary.items()):
        flash(_("%(year)s 年：新录入 %(added)s 天，已存在未变 %(same)s 天；核对无误后请标记该年度为完成",
                year=year_no, added=info["added"], same=info["unchanged"]), "success")
    target = min(summary) if len(summary) == 1 else None
    return redirect(url_for("calendar.year", year=target) if target else url_for("calendar.index"))
