"""Hostile input against the new challenge, demand and policy paths (issue 9)."""
from __future__ import annotations

import pytest

from app.challenges.models import Challenge
from app.core.models import PolicySetting
from app.extensions import db

from .conftest import challenge_form


@pytest.mark.parametrize("overrides", [
    {"time_limit_months": "1e999999"}, {"time_limit_months": "NaN"}, {"slots": "Infinity"},
    {"kpis": [{"name": "x", "comparator": "ge", "target_value": "sNaN"}]},
    {"kpis": [{"name": "x", "comparator": "zz", "target_value": "1"}]},
    {"milestones": [{"name": "m", "month_offset": "9" * 5000, "tranche_percent": "100"}]},
    {"support": "1e999999"},
])
def test_hostile_numbers_are_400_and_save_nothing(bureau, enterprise, overrides):
    response = bureau.post("/manage/challenges/new", challenge_form(enterprise.id, **overrides))
    assert response.status_code == 400
    assert db.session.query(Challenge).count() == 0


def test_a_huge_row_index_is_bounded(bureau, enterprise):
    data = challenge_form(enterprise.id)
    data["kpis-999999999-name"] = "远处的行"
    response = bureau.post("/manage/challenges/new", data)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert len(db.session.query(Challenge).one().kpis) <= 20


def test_many_posted_rows_are_refused_not_dropped(bureau, enterprise):
    data = challenge_form(enterprise.id)
    for i in range(200):
        data[f"kpis-{i}-name"] = f"指标{i}"
        data[f"kpis-{i}-target_value"] = "1"
    response = bureau.post("/manage/challenges/new", data)
    assert response.status_code == 400 and "考核指标最多20项（提交了200项）" in response.get_data(as_text=True)
    assert db.session.query(Challenge).count() == 0


def test_publishing_twice_and_other_roles(make, login_as):
    c = make.challenge("draft")
    bureau = login_as("bureau")
    ok = bureau.post("/manage/challenges/publish", {"challenge_ids": [str(c.id)]}, token_from="/manage/challenges/")
    assert ok.status_code == 302
    again = bureau.post("/manage/challenges/publish", {"challenge_ids": [str(c.id)]}, token_from="/manage/challenges/")
    assert again.status_code == 409 and "只有草稿可以发布" in again.get_data(as_text=True)
    applicant = login_as("applicant")
    assert applicant.post("/manage/challenges/publish", {"challenge_ids": [str(c.id)]}).status_code == 403
    assert applicant.post("/admin/policy", {"key": "min_bid_window_days", "value": "0"}).status_code == 403


def test_policy_nul_and_oversized_values(login_as):
    admin = login_as("admin")
    for value in ("1\x00", "9" * 100000, "1" + "0" * 39):
        r = admin.post("/admin/policy", {"key": "max_time_limit_months", "value": value}, token_from="/admin/policy")
        assert r.status_code in (400, 413)
    assert PolicySetting.query.count() == 0


def test_another_enterprise_cannot_touch_a_demand_attachment(make, login_as):
    import io

    owner = login_as("applicant")
    demand = make.demand("draft", user=owner.user)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assert owner.post(f"/demands/{demand.id}/attachments", {"file": (io.BytesIO(pdf), "a.pdf")},
                      content_type="multipart/form-data").status_code == 302
    item = demand.all_attachments[0] if demand.all_attachments else None
    db.session.expire_all()
    from app.demands.models import DemandAttachment

    item = db.session.query(DemandAttachment).one()
    other = login_as("applicant")
    assert other.post(f"/demands/{demand.id}/attachments/{item.id}/delete", {},
                      token_from="/demands/mine").status_code == 404
    assert db.session.get(DemandAttachment, item.id).removed_at is None
