"""Demand collection and screening: the enterprise files, the bureau accepts, rejects or returns."""
from __future__ import annotations

import pytest

from app.auth.models import OrgType
from app.demands.models import Demand, DemandAttachment, DemandState
from app.challenges.models import Challenge, ChallengeState
from app.extensions import db

DEMAND_FORM = {
    "title": "工业固废基低碳胶凝材料制备技术", "field": "节能环保", "problem": "能耗高、性能不稳定",
    "core_indicators": "28天抗压强度≥42.5MPa", "time_limit_months": "24", "ip_ownership": "双方共有",
    "own_funding": "6,000,000", "solver_conditions": "相关领域高校院所", "cannot_solve_alone": "y",
    "contact_name": "李工", "contact_phone": "0391-1111111",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def company(make):
    return make.org(org_type=OrgType.ENTERPRISE, field="节能环保")


@pytest.fixture
def applicant(login_as, company):
    return login_as("applicant", organisation=company)


def _demand():
    db.session.expire_all()
    return db.session.query(Demand).one()


def test_enterprise_files_a_draft_then_submits(applicant):
    response = applicant.post("/demands/new", {**DEMAND_FORM, "own_funding": "", "cannot_solve_alone": ""})
    assert response.status_code == 302
    demand = _demand()
    assert demand.state is DemandState.DRAFT and demand.organisation_id == applicant.user.organisation_id
    # incomplete: refused with every missing item named, state unchanged
    response = applicant.post(f"/demands/{demand.id}/submit", {})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "请填写企业自有资金投入" in text and "无法独立解决" in text
    assert "还需补充 2 项" in text and f"/demands/{demand.id}/edit" in text  # a link to fix it
    assert _demand().state is DemandState.DRAFT
    assert applicant.post(f"/demands/{demand.id}/edit", DEMAND_FORM).status_code == 302
    assert applicant.post(f"/demands/{demand.id}/submit", {}).status_code == 302
    demand = _demand()
    assert demand.state is DemandState.SUBMITTED and demand.own_funding_fen == 600_000_000
    assert demand.submitted_at is not None
    # once submitted, the enterprise cannot change it any more
    assert applicant.post(f"/demands/{demand.id}/edit", DEMAND_FORM).status_code == 409
    again = applicant.post(f"/demands/{demand.id}/submit", {})
    assert again.status_code == 409 and "不能修改" in again.get_data(as_text=True)
    page = applicant.get("/demands/mine").get_data(as_text=True)
    assert "待筛选" in page and DEMAND_FORM["title"] in page


def test_time_limit_over_the_policy_is_refused(applicant):
    response = applicant.post("/demands/new", {**DEMAND_FORM, "time_limit_months": "37"})
    assert response.status_code == 400 and "完成时限不超过36个月" in response.get_data(as_text=True)
    assert db.session.query(Demand).count() == 0


def test_only_enterprises_file_demands(login_as, make):
    university = login_as("applicant", organisation=make.org(org_type=OrgType.UNIVERSITY))
    assert university.get("/demands/new").status_code == 403
    assert university.post("/demands/new", DEMAND_FORM).status_code == 403
    assert "提交新需求" not in university.get("/demands/mine").get_data(as_text=True)


def test_who_sees_a_demand(login_as, make, company):
    draft = make.demand("draft", organisation=company)
    submitted = make.demand("submitted", organisation=company)
    colleague = login_as("applicant", organisation=company)
    other = login_as("applicant")
    bureau = login_as("bureau")
    assert colleague.get(f"/demands/{draft.id}").status_code == 200
    assert other.get(f"/demands/{draft.id}").status_code == 404
    assert other.get(f"/demands/{submitted.id}").status_code == 404
    assert bureau.get(f"/demands/{draft.id}").status_code == 404  # a draft is the enterprise's own
    assert bureau.get(f"/demands/{submitted.id}").status_code == 200
    listing = bureau.get("/demands/?status=submitted&field=新材料").get_data(as_text=True)
    assert submitted.title in listing and draft.title not in listing


def test_accept_creates_a_prefilled_draft_challenge(login_as, make, company):
    demand = make.demand("submitted", organisation=company)
    bureau = login_as("bureau")
    response = bureau.post(f"/demands/{demand.id}/accept", {"reason": "符合产业方向"})
    challenge = db.session.query(Challenge).one()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/manage/challenges/{challenge.id}/edit")
    assert challenge.state is ChallengeState.DRAFT and challenge.demand_id == demand.id
    assert (challenge.title, challenge.issuer_id, challenge.issuer_funding_fen, challenge.time_limit_months) == (
        demand.title, company.id, demand.own_funding_fen, demand.time_limit_months)
    assert challenge.ip_terms == demand.ip_ownership and challenge.eligibility == demand.solver_conditions
    assert _demand().state is DemandState.ACCEPTED
    # the edit page shows the demand's core indicators for reference
    assert "强度≥30MPa" in bureau.get(f"/manage/challenges/{challenge.id}/edit").get_data(as_text=True)
    # screening twice is a conflict
    assert bureau.post(f"/demands/{demand.id}/reject", {"reason": "x"}).status_code == 409
    assert db.session.query(Challenge).count() == 1


@pytest.mark.parametrize("decision, state", [("reject", DemandState.REJECTED), ("return", DemandState.RETURNED)])
def test_reject_and_return_need_a_reason_the_enterprise_sees(login_as, make, company, decision, state):
    demand = make.demand("submitted", organisation=company)
    bureau = login_as("bureau")
    response = bureau.post(f"/demands/{demand.id}/{decision}", {"reason": ""})
    assert response.status_code == 400 and "请填写理由" in response.get_data(as_text=True)
    assert _demand().state is DemandState.SUBMITTED
    assert bureau.post(f"/demands/{demand.id}/{decision}", {"reason": "缺少企业财务数据"}).status_code == 302
    assert _demand().state is state
    owner = login_as("applicant", organisation=company)
    page = owner.get(f"/demands/{demand.id}").get_data(as_text=True)
    assert "缺少企业财务数据" in page and state.label in page
    assert db.session.query(Challenge).count() == 0


def test_returned_demand_is_edited_and_submitted_again(login_as, make, company):
    demand = make.demand("returned", organisation=company)
    owner = login_as("applicant", organisation=company)
    assert owner.post(f"/demands/{demand.id}/edit", {**DEMAND_FORM, "title": "补充后的需求"}).status_code == 302
    assert owner.post(f"/demands/{demand.id}/submit", {}).status_code == 302
    demand = _demand()
    assert demand.state is DemandState.SUBMITTED and demand.title == "补充后的需求"


def test_applicant_cannot_screen(applicant, make, company):
    demand = make.demand("submitted", organisation=company)
    assert applicant.post(f"/demands/{demand.id}/accept", {}).status_code == 403
    assert _demand().state is DemandState.SUBMITTED


def test_attachment_upload_and_download(applicant, login_as, make):
    assert applicant.post("/demands/new", DEMAND_FORM).status_code == 302
    demand = _demand()
    url = f"/demands/{demand.id}/attachments"
    response = applicant.post(url, {"file": (__import__("io").BytesIO(PDF), "../../工艺说明.pdf")},
                              content_type="multipart/form-data")
    assert response.status_code == 302
    item = db.session.query(DemandAttachment).one()
    assert item.filename == "工艺说明.pdf" and item.content_type == "application/pdf"
    download = applicant.get(f"{url}/{item.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert login_as("applicant").get(f"{url}/{item.id}").status_code == 404
    # the bureau sees it only once the demand is submitted
    bureau = login_as("bureau")
    assert bureau.get(f"{url}/{item.id}").status_code == 404
    assert applicant.post(f"/demands/{demand.id}/submit", {}).status_code == 302
    assert bureau.get(f"{url}/{item.id}").data == PDF
    # and nobody adds or removes files after submission
    assert applicant.post(f"{url}/{item.id}/delete", {}).status_code == 409


def test_uploads_judged_by_content_not_name(applicant, app):
    import io

    assert applicant.post("/demands/new", DEMAND_FORM).status_code == 302
    url = f"/demands/{_demand().id}/attachments"
    fake = applicant.post(url, {"file": (io.BytesIO(b"<script>alert(1)</script>"), "说明.pdf")},
                          content_type="multipart/form-data")
    assert fake.status_code == 400 and "按文件内容判断" in fake.get_data(as_text=True)
    empty = applicant.post(url, {}, content_type="multipart/form-data")
    assert empty.status_code == 400 and "请选择要上传的文件" in empty.get_data(as_text=True)
    old = app.config["MAX_FILE_SIZE"]
    app.config["MAX_FILE_SIZE"] = 16
    try:
        big = applicant.post(url, {"file": (io.BytesIO(PDF), "大.pdf")}, content_type="multipart/form-data")
    finally:
        app.config["MAX_FILE_SIZE"] = old
    assert big.status_code == 413 and "文件超过大小上限" in big.get_data(as_text=True)
    assert db.session.query(DemandAttachment).count() == 0


def test_accepting_carries_the_core_indicators_into_kpi_rows(make, login_as):
    from app.challenges.models import Challenge

    demand = make.demand("submitted", core_indicators="1. CO2矿化固定率≥90%\n2、制品抗压强度不低于30 MPa\n形成发明专利")
    bureau = login_as("bureau")
    response = bureau.post(f"/demands/{demand.id}/accept", {"reason": ""}, token_from=f"/demands/{demand.id}")
    assert response.status_code == 302
    challenge = db.session.query(Challenge).one()
    assert [(k.name, k.comparator.value, k.target_value, k.unit) for k in challenge.kpis] == [
        ("CO2矿化固定率", "ge", 90, "%"), ("制品抗压强度", "ge", 30, "MPa"), ("形成发明专利", "ge", None, "")]
    page = bureau.get(f"/manage/challenges/{challenge.id}/edit").get_data(as_text=True)
    assert 'value="CO2矿化固定率"' in page and 'value="形成发明专利"' in page
    assert "第3项考核指标未填写目标值" in bureau.get(f"/manage/challenges/{challenge.id}").get_data(as_text=True)


def _pdf(n: int) -> bytes:
    return PDF + b"%" + str(n).encode() + b"\n"


def test_removed_attachments_count_against_the_quota_and_release_their_blob(applicant, app, monkeypatch):
    """Issue 9, item 9: upload-remove-upload could fill the store without limit."""
    import io

    from app.demands.models import referenced_digests_select

    assert applicant.post("/demands/new", DEMAND_FORM).status_code == 302
    demand = _demand()
    url = f"/demands/{demand.id}/attachments"
    monkeypatch.setitem(app.config, "DEMAND_UPLOAD_QUOTA", len(_pdf(1)) * 2 + 1)
    for n in (1, 2):
        r = applicant.post(url, {"file": (io.BytesIO(_pdf(n)), f"{n}.pdf")}, content_type="multipart/form-data")
        assert r.status_code == 302
        item = db.session.query(DemandAttachment).order_by(DemandAttachment.id.desc()).first()
        assert applicant.post(f"{url}/{item.id}/delete", {}, token_from=f"/demands/{demand.id}").status_code == 302
    db.session.expire_all()
    assert _demand().attachments == [] and len(_demand().all_attachments) == 2
    # removed files: no longer served, no longer referenced, still counted
    assert applicant.get(f"{url}/{item.id}").status_code == 404
    assert item.sha256 not in db.session.scalars(referenced_digests_select()).all()
    r = applicant.post(url, {"file": (io.BytesIO(_pdf(3)), "3.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 400 and "含已删除的附件" in r.get_data(as_text=True)
    assert db.session.query(DemandAttachment).count() == 2
    # a removed file is gone for every action: removing it twice is a 404, not a crash
    assert applicant.post(f"{url}/{item.id}/delete", {}, token_from=f"/demands/{demand.id}").status_code == 404


def test_uploads_are_rate_limited_per_user(applicant, app, monkeypatch, login_as):
    import io

    monkeypatch.setitem(app.config, "UPLOAD_RATE_LIMIT", "2 per hour")
    assert applicant.post("/demands/new", DEMAND_FORM).status_code == 302
    url = f"/demands/{_demand().id}/attachments"
    statuses = [applicant.post(url, {"file": (io.BytesIO(_pdf(n)), f"{n}.pdf")},
                               content_type="multipart/form-data").status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert db.session.query(DemandAttachment).count() == 2
