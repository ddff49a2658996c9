"""The pages with bad input: another organisation's project (404), a second extension,
an extension beyond the maximum, a report on an eliminated project, acceptance before
the end date, KPI values that are not numbers or are absurd, a non-PDF agreement,
the wrong role — each a clear status with nothing saved and nothing typed lost."""
from __future__ import annotations

from io import BytesIO

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.projects import operations as ops
from app.projects.models import MilestoneReport, ProjectExtension, ProjectState
from tests.conftest import Browser

from .conftest import PDF, reload


@pytest.fixture
def setup(app, pm):
    challenge, projects, users = pm.projects(slots=2)
    browsers = []
    for user in users:
        b = Browser(app.test_client())
        b.login(user)
        browsers.append(b)
    bureau = Browser(app.test_client())
    bureau.login(pm.bureau)
    return challenge, projects, users, browsers, bureau


def _report_form(project, value="35", spent="1000000"):
    data = {"progress": "按计划推进", "deliverables": "中试线", "spent": spent}
    for k in project.kpis:
        data[f"kpi_{k.id}"] = value
        data[f"note_{k.id}"] = "检测"
    return data


def _reports():
    return db.session.scalar(sa.select(sa.func.count(MilestoneReport.id)))


def test_other_organisations_project_is_404(setup):
    challenge, (a, b), users, (ba, bb), bureau = setup
    m = b.milestones[0]
    assert ba.get(f"/projects/{b.id}").status_code == 404
    assert ba.get(f"/projects/{b.id}/milestones/{m.id}/report").status_code == 404
    assert ba.post(f"/projects/{b.id}/milestones/{m.id}/report", _report_form(b)).status_code == 404
    assert ba.post(f"/projects/{b.id}/extension", {"months": "3", "reason": "x"}).status_code == 404
    assert ba.get(f"/projects/{b.id}/agreement.pdf").status_code == 404
    assert _reports() == 0
    # own project: the report is accepted
    m = a.milestones[0]
    response = ba.post(f"/projects/{a.id}/milestones/{m.id}/report", _report_form(a))
    assert response.status_code == 302 and _reports() == 1
    # a milestone of the other project through one's own project URL
    assert ba.get(f"/projects/{a.id}/milestones/{b.milestones[0].id}/report").status_code == 404


@pytest.mark.parametrize("value,message", [
    ("abc", "请输入有效的数字"), ("1e999999", "不支持科学计数法"), ("NaN", "请输入有效的数字"),
    ("9" * 45, "数字过长"), ("99999999999999", "数值应在"), ("3500000", "1000倍以上"),
])
def test_kpi_values_not_numbers_or_absurd_are_400_and_kept(setup, value, message):
    challenge, (a, b), users, (ba, bb), bureau = setup
    m = a.milestones[0]
    response = ba.post(f"/projects/{a.id}/milestones/{m.id}/report", _report_form(a, value=value))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html, html[:2000]
    assert "按计划推进" in html  # nothing typed is lost
    assert _reports() == 0 and reload(a).milestones[0].state.value == "pending"


def test_percentage_above_100_and_nul_bytes(setup):
    challenge, (a, b), users, (ba, bb), bureau = setup
    m = a.milestones[0]
    percent = next(k for k in a.kpis if k.unit == "%")
    data = _report_form(a)
    data[f"kpi_{percent.id}"] = "120"
    response = ba.post(f"/projects/{a.id}/milestones/{m.id}/report", data)
    assert response.status_code == 400 and "0到100之间" in response.get_data(as_text=True)
    data = _report_form(a)
    data["progress"] = "进展\x00"
    assert ba.post(f"/projects/{a.id}/milestones/{m.id}/report", data).status_code == 400
    assert _reports() == 0


def test_double_submission_of_a_report_is_refused(setup):
    challenge, (a, b), users, (ba, bb), bureau = setup
    m = a.milestones[0]
    assert ba.post(f"/projects/{a.id}/milestones/{m.id}/report", _report_form(a)).status_code == 302
    response = ba.post(f"/projects/{a.id}/milestones/{m.id}/report", _report_form(a))
    assert response.status_code == 409 and _reports() == 1


def test_extension_once_and_at_most_the_maximum(setup):
    challenge, (a, b), users, (ba, bb), bureau = setup
    response = ba.post(f"/projects/{a.id}/extension", {"months": "13", "reason": "设备延迟到货"})
    assert response.status_code == 400 and "延期不能超过12个月" in response.get_data(as_text=True)
    assert ba.post(f"/projects/{a.id}/extension", {"months": "1e999", "reason": "x"}).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(ProjectExtension.id))) == 0
    assert ba.post(f"/projects/{a.id}/extension", {"months": "6", "reason": "设备延迟到货"}).status_code == 302
    response = ba.post(f"/projects/{a.id}/extension", {"months": "3", "reason": "再延"})
    assert response.status_code == 400 and "只能申请一次延期" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ProjectExtension.id))) == 1
    # the bureau approves: end date and later milestones move by 6 months
    before = reload(a)
    old_end, old_due = before.end_on, [m.due_on for m in before.milestones]
    assert bureau.post(f"/manage/projects/{a.id}/extension", {"decision": "approve", "note": "同意"}).status_code == 302
    after = reload(a)
    assert after.end_on > old_end and after.original_end_on == old_end
    assert all(new > old for new, old in zip([m.due_on for m in after.milestones], old_due))
    # a second decision is a conflict
    assert bureau.post(f"/manage/projects/{a.id}/extension", {"decision": "reject", "note": "x"}).status_code == 409


def test_acceptance_before_the_end_date_is_409(setup):
    challenge, (a, b), users, (ba, bb), bureau = setup
    response = ba.post(f"/projects/{a.id}/acceptance", _report_form(a))
    assert response.status_code == 409 and "结束后才能提交" in response.get_data(as_text=True)
    assert reload(a).state is ProjectState.RUNNING


def test_report_on_an_eliminated_project_is_409(setup, pm):
    challenge, (a, b), users, (ba, bb), bureau = setup
    ops.end_project(b, ProjectState.ELIMINATED, actor=pm.bureau, reason="落后", signal_reason="eliminated")
    db.session.commit()
    m = b.milestones[0]
    response = bb.post(f"/projects/{b.id}/milestones/{m.id}/report", _report_form(b))
    assert response.status_code == 409 and _reports() == 0


def test_agreement_must_be_a_pdf(app, pm):
    challenge, (project,), (user,) = pm.projects(slots=1, signed=False)
    b = Browser(app.test_client())
    b.login(user)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = b.post(f"/projects/{project.id}/agreement", {"file": (BytesIO(png), "协议.pdf")},
                      content_type="multipart/form-data")
    assert response.status_code == 400 and "PDF" in response.get_data(as_text=True)
    assert reload(project).agreement_sha256 is None
    response = b.post(f"/projects/{project.id}/agreement", {"file": (BytesIO(PDF), "协议.pdf")},
                      content_type="multipart/form-data")
    assert response.status_code == 302 and reload(project).agreement_sha256 is not None
    # signing: a future date is refused, today is accepted and issues both documents
    bureau = Browser(app.test_client())
    bureau.login(pm.bureau)
    assert bureau.post(f"/manage/projects/{project.id}/sign", {"signed_on": "2199-01-01"}).status_code == 400
    assert bureau.post(f"/manage/projects/{project.id}/sign", {"signed_on": "99999-01-01"}).status_code == 400
    from app.core.timeutil import local_today

    assert bureau.post(f"/manage/projects/{project.id}/sign",
                       {"signed_on": local_today().isoformat()}).status_code == 302
    assert reload(project).state is ProjectState.RUNNING


def test_wrong_roles(setup, login_as):
    challenge, (a, b), users, (ba, bb), bureau = setup
    expert = login_as("expert")
    finance = login_as("finance")
    assert expert.get(f"/projects/{a.id}").status_code == 404
    assert ba.get(f"/manage/projects/{a.id}").status_code == 403
    assert finance.get(f"/manage/projects/{a.id}").status_code == 200
    assert finance.post(f"/manage/projects/{a.id}/revoke", {"explanation": "x", "recover": "1"}).status_code == 403
    assert ba.post(f"/manage/race/{challenge.id}", {}).status_code == 404
    assert ba.post(f"/manage/projects/race/{challenge.id}", {}).status_code == 403


def test_finance_downloads_the_approval_notice_and_contract_summary(setup, login_as):
    from app.documents.operations import documents_for

    challenge, (a, b), users, (ba, bb), bureau = setup
    finance = login_as("finance")
    docs = documents_for(a)
    assert {d.doc_type for d in docs} == {"project_approval", "contract_summary"}
    for doc in docs:
        response = finance.get(f"/documents/{doc.id}/download")
        assert response.status_code == 200 and response.data[:4] == b"%PDF"
        assert ba.get(f"/documents/{doc.id}/download").status_code == 200   # the team's own
        assert bb.get(f"/documents/{doc.id}/download").status_code == 404   # another team


def test_revocation_records_bad_credit_and_stops_payments(setup):
    challenge, (a, b), users, (ba, bb), bureau = setup
    response = bureau.post(f"/manage/projects/{a.id}/revoke", {"explanation": "", "recover": "1e9"})
    assert response.status_code == 400 and reload(a).state is ProjectState.RUNNING
    response = bureau.post(f"/manage/projects/{a.id}/revoke", {"explanation": "伪造检测报告", "recover": "600000"})
    assert response.status_code == 302
    a = reload(a)
    assert a.state is ProjectState.REVOKED and not a.is_payable
    assert a.termination.recover_fen == 600000_00 and a.termination.bad_credit_record.organisation_id == a.organisation_id
    assert a.organisation.bad_credit_within(3)
    assert bureau.post(f"/manage/projects/{a.id}/terminate",
                       {"reason_code": "force_majeure", "explanation": "x", "refund": "0"}).status_code == 409


def test_voluntary_termination_with_tolerance(setup):
    challenge, (a, b), users, (ba, bb), bureau = setup
    response = bureau.post(f"/manage/projects/{b.id}/terminate",
                           {"reason_code": "nonsense", "explanation": "设备禁运", "refund": "100"})
    assert response.status_code == 400
    response = bureau.post(f"/manage/projects/{b.id}/terminate", {"reason_code": "force_majeure",
                           "explanation": "关键设备禁运", "is_tolerated": "y", "refund": "100000"})
    assert response.status_code == 302
    b = reload(b)
    assert b.state is ProjectState.TERMINATED and b.termination.is_tolerated and b.termination.refund_fen == 100000_00


def test_pages_render(setup, login_as):
    challenge, (a, b), users, (ba, bb), bureau = setup
    for url in ("/manage/projects/", f"/manage/projects/{a.id}", f"/manage/projects/race/{challenge.id}",
                f"/manage/projects/challenge/{challenge.id}", f"/manage/projects/{a.id}/end", "/dashboard",
                "/manage/projects/?health=at_risk&state=running&challenge=abc"):
        assert bureau.get(url).status_code == 200, url
    assert ba.get("/projects/").status_code == 200 and ba.get(f"/projects/{a.id}").status_code == 200
    assert login_as("finance").get("/dashboard").status_code == 200
