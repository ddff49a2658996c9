"""CSV import of a year's schedule: all rows or none, a per-row Chinese report,
upload judged by content and bounded in size."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest

from app.core import calendar_operations as ops
from app.core.calendar_models import CalendarDay, CalendarYear
from app.core.calendar_rules import MAX_CSV_BYTES, parse_csv
from app.core.models import AuditEvent
from app.core.timeutil import add_working_days
from app.extensions import db

GOOD = (
    "date,kind,name\n"
    "2027-01-01,holiday,元旦\n"
    "2027-02-05,holiday,春节\n"
    "2027-02-06,放假,春节\n"
    "2027/2/7,holiday,春节\n"
    "2027-02-08,holiday,春节\n"
    "2027-02-20,workday,春节\n"      # a Saturday (hypothetical make-up day, test only)
    "\n"
    "2027年4月5日,holiday,清明节\n"
)


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def upload(browser, data: bytes, filename: str = "2027.csv"):
    return browser.post("/admin/calendar/import", {"file": (io.BytesIO(data), filename)},
                        content_type="multipart/form-data")


def _days():
    db.session.expire_all()
    return [(d.day, d.kind.value, d.name) for d in CalendarDay.query.order_by(CalendarDay.day)]


def _problems(html: str) -> list[tuple[str, str]]:
    table = html.split('id="import-problems"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td>([^<]*)</td><td class=\"error\">([^<]*)</td></tr>", table)


def test_good_file_is_imported_and_audited(admin):
    response = upload(admin, GOOD.encode("utf-8"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/calendar/2027")
    days = _days()
    assert len(days) == 7
    assert (date(2027, 2, 20), "workday", "春节") in days and (date(2027, 4, 5), "holiday", "清明节") in days
    year = CalendarYear.query.filter_by(year=2027).one()
    assert not year.is_complete  # import enters; a person checks and marks complete
    event = AuditEvent.query.filter_by(entity_type="calendar_years", action="calendar_imported").one()
    assert event.actor_id == admin.user.id
    assert len(event.data["added"]) == 7 and event.data["unchanged"] == 0
    page = admin.get("/admin/calendar/2027").get_data(as_text=True)
    assert "2027 年：新录入 7 天，已存在未变 0 天" in page

    # The same file again: nothing new, nothing refused (a file may be re-imported).
    assert upload(admin, GOOD.encode("utf-8")).status_code == 302
    assert len(_days()) == 7
    assert AuditEvent.query.filter_by(action="calendar_imported").count() == 2

    admin.post("/admin/calendar/2027/complete", {"source": "国办发明电〔2026〕1号（测试）"})
    assert add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 9)


def test_gbk_file_from_excel_and_chinese_headers_with_bom(admin):
    gbk = "日期,类型,名称\r\n2027-10-01,放假,国庆节\r\n2027-10-09,调休上班,国庆节\r\n".encode("gb18030")
    assert upload(admin, gbk).status_code == 302
    bom = ("\ufeffdate,kind,name\n2027-01-01,holiday,元旦\n").encode("utf-8")
    assert upload(admin, bom).status_code == 302
    assert _days() == [(date(2027, 1, 1), "holiday", "元旦"), (date(2027, 10, 1), "holiday", "国庆节"),
                       (date(2027, 10, 9), "workday", "国庆节")]


def test_bad_rows_are_reported_row_by_row_and_nothing_is_saved(admin):
    admin.post("/admin/calendar/2027/days", {"day": "2027-01-01", "kind": "holiday", "name": "元旦"})
    text = (
        "date,kind,name\n"
        "2027-02-05,holiday,春节\n"        # 2: good
        "2027-02-30,holiday,春节\n"        # 3: no such date
        "1e999999,holiday,春节\n"          # 4
        "NaN,holiday,春节\n"               # 5
        "Infinity,holiday,春节\n"          # 6
        "2027-02-06,rest,春节\n"           # 7: bad kind
        "2027-02-08,workday,春节\n"        # 8: Monday as make-up day
        "2027-02-05,holiday,春节\n"        # 9: repeats line 2
        f"2027-02-07,holiday,{'春' * 40}\n"  # 10: name too long
        "2027-02-09,holiday,\n"            # 11: no name
        "2027-01-01,holiday,新年\n"        # 12: entered differently already
        "2027-03-01,holiday,a,b\n"         # 13: too many columns
        "1999-01-01,holiday,元旦\n"        # 14: year out of range
    )
    response = upload(admin, text.encode("utf-8"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "导入失败：12 行有错误，未保存任何数据" in html
    problems = _problems(html)
    assert [line for line, _m in problems] == [str(n) for n in range(3, 15)]
    messages = dict(problems)
    assert "日期“2027-02-30”不存在" in messages["3"]
    assert "格式不正确" in messages["4"] and "格式不正确" in messages["5"] and "格式不正确" in messages["6"]
    assert "类型“rest”无效" in messages["7"]
    assert "调休上班日应为周六或周日" in messages["8"]
    assert "与第 2 行重复" in messages["9"]
    assert "不能超过 32 个字符" in messages["10"]
    assert "请填写节日名称" in messages["11"]
    assert "已录入为“放假·元旦”" in messages["12"]
    assert "列数多于表头" in messages["13"]
    assert "年份应在 2000 至 2099 之间" in messages["14"]
    assert _days() == [(date(2027, 1, 1), "holiday", "元旦")]
    assert AuditEvent.query.filter_by(action="calendar_imported").count() == 0


def test_rows_for_a_complete_year_are_refused(admin):
    admin.post("/admin/calendar/2027/days", {"day": "2027-01-01", "kind": "holiday", "name": "元旦"})
    admin.post("/admin/calendar/2027/complete", {"source": "国办发明电〔2026〕1号"})
    response = upload(admin, "date,kind,name\n2027-02-05,holiday,春节\n2028-01-01,holiday,元旦\n".encode())
    assert response.status_code == 400
    assert _problems(response.get_data(as_text=True)) == [
        ("2", "2027 年的节假日安排已标记完成，不能修改；如需更正，请先撤销完成标记")]
    assert len(_days()) == 1 and CalendarYear.query.filter_by(year=2028).first() is None


@pytest.mark.parametrize("data, message", [
    (b"", "文件为空"),
    (b"   \n", "文件为空"),
    (b"date,kind,name\n2027-01-01,holiday,\x00\n", "空字节"),
    (b"PK\x03\x04" + b"\x00" * 100, "不是 CSV 文本文件"),    # an .xlsx renamed .csv
    (b"%PDF-1.7\n" + b"x" * 100, "不是 CSV 文本文件"),
    (b"day,type\n2027-01-01,holiday\n", "第 1 行应为表头 date,kind,name"),
    (b"date,kind,name\n", "只有表头"),
    (b"date,kind,name,date\n2027-01-01,holiday,x,y\n", "应为表头"),
    (("date,kind,name\n" + "2027-01-01,holiday,元旦\n" * 401).encode(), "文件行数过多"),
    (b'date,kind,name\n2027-01-01,holiday,"\xe5\x85\x83\n', "引号"),  # unterminated quote
])
def test_whole_file_faults_are_refused(admin, data, message):
    response = upload(admin, data)
    assert response.status_code == 400
    if message:
        assert message in response.get_data(as_text=True)
    assert _days() == []


def test_oversized_file_is_413_and_nothing_saved(admin):
    big = ("date,kind,name\n2027-01-01,holiday,元旦\n" + "#" * MAX_CSV_BYTES).encode()
    response = upload(admin, big)
    assert response.status_code == 413
    assert "CSV 文件不能超过 64 KB" in response.get_data(as_text=True)
    assert _days() == []


def test_example_file_parses_and_documents_the_format(admin):
    response = admin.get("/admin/calendar/example.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows, problems = parse_csv(response.data)
    assert problems == [] and [entry.day for _l, entry in rows][0] == date(2027, 1, 1)


def test_import_operation_rolls_back_nothing_half_done(app, make):
    admin = make.user(role="admin")
    with pytest.raises(ops.CalendarImportRejected) as info:
        ops.import_csv("date,kind,name\n2027-01-01,holiday,元旦\n2027-01-04,workday,x\n".encode(), actor=admin)
    assert info.value.status == 400 and info.value.problems[0][0] == 3
    db.session.rollback()
    assert _days() == []


def test_a_concurrent_entry_during_import_is_a_409_and_nothing_saved(admin, monkeypatch):
    admin.post("/admin/calendar/2027/days", {"day": "2027-02-05", "kind": "holiday", "name": "春节"})
    monkeypatch.setattr(ops, "_existing", lambda day: None)
    response = upload(admin, GOOD.encode("utf-8"))
    assert response.status_code == 409
    assert "导入期间有日期已被他人录入" in response.get_data(as_text=True)
    assert _days() == [(date(2027, 2, 5), "holiday", "春节")]
    assert AuditEvent.query.filter_by(action="calendar_imported").count() == 0


def test_no_file_at_all_is_a_form_error(admin):
    response = admin.post("/admin/calendar/import", {}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "请选择要导入的 CSV 文件" in response.get_data(as_text=True)
