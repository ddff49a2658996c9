"""Challenge drafts, validation through the form, publication, freezing, amendments, cancellation."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from app.challenges import signals
from app.challenges.models import Amendment, Challenge, ChallengeState, Publication
from app.core.audit import history
from app.extensions import db

from .conftest import challenge_form


def _count():
    return db.session.query(Challenge).count()


def test_bureau_creates_a_draft_with_decimal_kpis_in_order(bureau, enterprise):
    response = bureau.post("/manage/challenges/new", challenge_form(enterprise.id))
    assert response.status_code == 302, response.get_data(as_text=True)
    c = db.session.query(Challenge).one()
    assert c.state is ChallengeState.DRAFT and c.issuer_id == enterprise.id
    assert [k.name for k in c.kpis] == ["CO2矿化固定率", "制品抗压强度"]
    assert c.kpis[0].target_value == Decimal("90.5") and isinstance(c.kpis[0].target_value, Decimal)
    assert c.kpis[0].target_text == "≥ 90.5 %"
    assert [m.tranche_percent for m in c.milestone_template] == [30, 40, 30]
    assert c.support_fen == 300_000_000 and c.issuer_funding_fen == 200_000_000
    assert c.bid_deadline_at.tzinfo is not None


@pytest.mark.parametrize("overrides, message", [
    ({"time_limit_months": "37"}, "完成时限不超过36个月"),
    ({"support": "10,000,000.01"}, "不能超过单个项目上限"),
    ({"support": "abc"}, "金额格式不正确"),
    ({"bid_opens_at": "2027-02-01T09:00", "bid_deadline_at": "2027-01-01T17:00"}, "揭榜截止时间必须晚于开始时间"),
    ({"title": "名" * 201}, "不超过200个字（现有201个字）"),
    ({"problem_statement": "问" * 20001}, "不超过20000个字（现有20001个字）"),
    ({"kpis": [{"name": "指" * 201, "comparator": "ge", "target_value": "1"}]}, "不超过200个字"),
    ({"kpis": [{"name": f"指标{i}", "comparator": "ge", "target_value": "1"} for i in range(21)]},
     "考核指标最多20项（提交了21项）"),
    ({"milestones": [{"name": f"节点{i}", "month_offset": str(i), "tranche_percent": "1"} for i in range(13)]},
     "里程碑节点最多12个（提交了13个）"),
    ({"slots": "21"}, "揭榜名额为1到20个"),
])
def test_wrong_values_are_refused_even_in_a_draft(bureau, enterprise, overrides, message):
    data = challenge_form(enterprise.id, **overrides)
    response = bureau.post("/manage/challenges/new", data)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in body
    assert _count() == 0
    # nothing typed is lost, not even the rows over the limit
    assert data["contact_phone"] in body
    for key in ("kpis-20-name", "milestones-12-name"):
        if key in data:
            assert f'value="{data[key]}"' in body


@pytest.mark.parametrize("overrides, message", [
    ({"kpis": []}, "至少填写一项考核指标"),
    ({"milestones": [{"name": "启动", "month_offset": "0", "tranche_percent": "30"},
                     {"name": "验收", "month_offset": "24", "tranche_percent": "69"}]},
     "各节点拨付比例之和必须为100%（当前为99%）"),
    ({"milestones": [{"name": "启动", "month_offset": "0", "tranche_percent": "30"},
                     {"name": "验收", "month_offset": "24", "tranche_percent": "71"}]},
     "各节点拨付比例之和必须为100%（当前为101%）"),
    ({"bid_opens_at": "2020-01-01T09:00", "bid_deadline_at": "2020-02-01T17:00"}, "揭榜截止时间已过"),
    ({"support": "2,000,000", "issuer_funding": "2,999,999.99"}, "合计不得低于5,000,000.00元"),
    ({"slots": "2"}, "须指定且只指定一个赛马比选节点"),
    ({"kpis": [{"name": "强度", "comparator": "ge", "target_value": ""}]}, "第1项考核指标未填写目标值"),
])
def test_an_incomplete_draft_is_saved_and_publication_lists_what_is_missing(bureau, enterprise, overrides,
                                                                           message):
    response = bureau.post("/manage/challenges/new", challenge_form(enterprise.id, **overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    c = db.session.query(Challenge).one()
    assert c.state is ChallengeState.DRAFT
    detail = bureau.get(f"/manage/challenges/{c.id}").get_data(as_text=True)
    assert "发布前检查" in detail and message in detail
    response = bureau.post("/manage/challenges/publish", {"challenge_ids": [str(c.id)]})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in body and f"/manage/challenges/{c.id}/edit" in body  # a link to fix it
    db.session.expire_all()
    assert db.session.get(Challenge, c.id).state is ChallengeState.DRAFT


def test_a_half_filled_draft_lists_every_missing_field_at_once(bureau, enterprise):
    response = bureau.post("/manage/challenges/new", {
        "title": "只填了名称", "field": "新材料", "issuer_id": str(enterprise.id), "slots": "1"})
    assert response.status_code == 302
    c = db.session.query(Challenge).one()
    response = bureau.post("/manage/challenges/publish", {"challenge_ids": [str(c.id)]})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("请填写需要解决的技术问题", "请填写知识产权约定", "请填写揭榜条件", "请填写联系人",
                    "请填写联系电话", "请填写完成时限", "请填写财政支持金额", "请填写揭榜开始时间",
                    "至少填写一项考核指标", "至少设置一个里程碑节点"):
        assert message in body, message
    assert "返回首页" not in body.split("<main", 1)[1]


def test_add_row_without_javascript_rerenders_with_one_more_row(bureau, enterprise):
    data = challenge_form(enterprise.id)
    data["add_kpi"] = "1"
    response = bureau.post("/manage/challenges/new", data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and _count() == 0
    assert 'name="kpis-2-name"' in body and 'name="kpis-3-name"' not in body
    assert "CO2矿化固定率" in body  # what was typed is kept
    assert "js/challenge_rows.js" in body


def test_many_rows_are_kept(bureau, enterprise):
    kpis = [{"name": f"指标{i}", "comparator": "ge", "target_value": str(i), "unit": "项"} for i in range(20)]
    assert bureau.post("/manage/challenges/new", challenge_form(enterprise.id, kpis=kpis)).status_code == 302
    assert len(db.session.query(Challenge).one().kpis) == 20


def test_boundaries_pass_through_the_form(bureau, enterprise):
    data = challenge_form(enterprise.id, time_limit_months="36", support="2,000,000", issuer_funding="3,000,000",
                          milestones=[{"name": "启动", "month_offset": "0", "tranche_percent": "50"},
                                      {"name": "赛马", "month_offset": "18", "tranche_percent": "20",
                                       "is_race_checkpoint": True},
                                      {"name": "验收", "month_offset": "36", "tranche_percent": "30"}],
                          slots="3")
    assert bureau.post("/manage/challenges/new", data).status_code == 302
    c = db.session.query(Challenge).one()
    assert c.time_limit_months == 36 and c.total_funding_fen == 500_000_000
    assert c.race_checkpoint.name == "赛马" and c.is_horse_race


def test_edit_draft_keeps_kpi_ids_stable(bureau, make):
    c = make.challenge("draft")
    kpi_ids = [k.id for k in c.kpis]
    page = bureau.get(f"/manage/challenges/{c.id}/edit").get_data(as_text=True)
    assert 'name="kpis-0-target_value" step="any" type="number" value="30"' in page and "E+" not in page
    data = challenge_form(c.issuer_id, title="新名称")
    assert bureau.post(f"/manage/challenges/{c.id}/edit", data).status_code == 302
    db.session.expire_all()
    c = db.session.get(Challenge, c.id)
    assert c.title == "新名称" and [k.id for k in c.kpis] == kpi_ids
    assert c.kpis[0].name == "CO2矿化固定率"


def test_publishing_freezes_the_fields(bureau, make):
    c = make.challenge("published")
    before = (c.title, c.version)
    for method in ("get", "post"):
        url = f"/manage/challenges/{c.id}/edit"
        response = bureau.get(url) if method == "get" else bureau.post(url, challenge_form(c.issuer_id, title="改了"))
        assert response.status_code == 409
        assert "字段已冻结" in response.get_data(as_text=True)
    db.session.expire_all()
    c = db.session.get(Challenge, c.id)
    assert (c.title, c.version) == before


def _pdf_text(doc) -> str:
    from app.documents.operations import store

    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(store().get(doc.sha256))).pages)


def test_publish_several_at_once_issues_one_notice_listing_them(bureau, make):
    from app.documents.models import IssuedDocument

    a, b = make.challenge("draft", title="甲榜单"), make.challenge("draft", title="乙榜单")
    received = []

    def on_published(sender, **kw):
        received.append(sender.id)

    with signals.challenge_published.connected_to(on_published):
        response = bureau.post("/manage/challenges/publish", {"challenge_ids": [str(a.id), str(b.id)]})
    assert response.status_code == 302
    db.session.expire_all()
    publication = db.session.query(Publication).one()
    assert {c.id for c in publication.challenges} == {a.id, b.id}
    assert all(c.state is ChallengeState.PUBLISHED and c.published_at for c in publication.challenges)
    assert sorted(received) == sorted([a.id, b.id])
    [doc] = db.session.query(IssuedDocument).all()
    assert doc.doc_type == "challenge_publication" and doc.is_public
    assert (doc.subject_type, doc.subject_id) == ("challenge_publications", publication.id)
    text = _pdf_text(doc)
    assert "甲榜单" in text and "乙榜单" in text and "榜单发布公告" in doc.title or "榜单" in doc.title
    # the public page links the notice
    page = bureau.client.get(f"/challenges/{a.id}").get_data(as_text=True)
    assert doc.number in page


def test_publish_refuses_an_incomplete_draft_and_changes_nothing(bureau, make):
    from app.documents.models import IssuedDocument

    good = make.challenge("draft")
    bad = make.demand("accepted").challenge  # pre-filled from a demand: no support, no window yet
    response = bureau.post("/manage/challenges/publish", {"challenge_ids": [str(good.id), str(bad.id)]})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "请填写揭榜开始时间" in text and "请填写财政支持金额" in text
    assert good.title not in text.split("所选榜单暂不能发布", 1)[1]  # only the incomplete one is listed
    db.session.expire_all()
    assert db.session.get(Challenge, good.id).state is ChallengeState.DRAFT
    assert db.session.query(Publication).count() == 0 and db.session.query(IssuedDocument).count() == 0


def test_publish_twice_is_a_conflict(bureau, make):
    c = make.challenge("published")
    response = bureau.post("/manage/challenges/publish", {"challenge_ids": [str(c.id)]})
    assert response.status_code == 409
    assert "不能发布" in response.get_data(as_text=True)


def test_publish_needs_a_selection(bureau):
    assert bureau.post("/manage/challenges/publish", {}).status_code == 400
    assert bureau.post("/manage/challenges/publish", {"challenge_ids": "999999"}).status_code == 404


def test_amendment_is_recorded_with_reason_shown_publicly_and_signalled(bureau, make, client):
    c = make.challenge("published")
    received = []

    def on_amended(sender, amendment, **kw):
        received.append((sender.id, amendment.reason))

    data = challenge_form(c.issuer_id, title=c.title, field=c.field, problem_statement=c.problem_statement,
                          support="3,000,000", issuer_funding="3,000,000", ip_terms=c.ip_terms,
                          eligibility=c.eligibility, contact_name=c.contact_name, contact_phone=c.contact_phone,
                          kpis=[{"name": "抗压强度", "comparator": "ge", "target_value": "35", "unit": "MPa",
                                 "verification_method": "第三方检测"},
                                {"name": "固定率", "comparator": "ge", "target_value": "90.5", "unit": "%",
                                 "verification_method": "第三方检测"}],
                          milestones=[{"name": "启动", "month_offset": "0", "tranche_percent": "30"},
                                      {"name": "中期", "month_offset": "12", "tranche_percent": "40"},
                                      {"name": "验收", "month_offset": "24", "tranche_percent": "30"}])
    from .conftest import local_input

    data["bid_opens_at"] = local_input(c.bid_opens_at)
    data["bid_deadline_at"] = local_input(c.bid_deadline_at)
    with signals.challenge_amended.connected_to(on_amended):
        assert bureau.post(f"/manage/challenges/{c.id}/amend", data).status_code == 400  # no reason
        data["reason"] = "根据企业意见提高抗压强度指标"
        response = bureau.post(f"/manage/challenges/{c.id}/amend", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert received == [(c.id, "根据企业意见提高抗压强度指标")]
    amendment = db.session.query(Amendment).one()
    assert [ch["field"] for ch in amendment.changes] == ["kpis"]
    assert "≥ 35 MPa" in amendment.changes[0]["new"]
    page = client.get(f"/challenges/{c.id}").get_data(as_text=True)
    assert "根据企业意见提高抗压强度指标" in page and "变更记录" in page
    assert [e.action for e in history(db.session.get(Challenge, c.id))][-1] == "challenge_amended"


def test_amendment_refusals(bureau, make):
    from app.challenges import operations as ops
    from app.challenges.rules import ChallengeData

    c = make.challenge("published")
    actor = bureau.user

    def data_of(challenge, **changes):
        values = {name: getattr(challenge, name) for name in ChallengeData.SCALARS}
        values.update(changes)
        return ChallengeData(**values, kpis=list(challenge.kpis), milestone_template=list(challenge.milestone_template))

    with pytest.raises(ops.ChallengeInvalid, match="没有任何字段被修改"):
        ops.amend_challenge(c, data_of(c), reason="无", actor=actor)
    with pytest.raises(ops.ChallengeInvalid, match="不能删除考核指标"):
        ops.amend_challenge(c, ChallengeData(**{n: getattr(c, n) for n in ChallengeData.SCALARS},
                                              kpis=list(c.kpis[:1]), milestone_template=list(c.milestone_template)),
                            reason="删指标", actor=actor)
    with pytest.raises(ops.ChallengeInvalid, match="不能更换发榜单位"):
        ops.amend_challenge(c, data_of(c, issuer_id=make.org().id), reason="换单位", actor=actor)
    closed = make.challenge("closed")
    with pytest.raises(ops.ChallengeConflict):
        ops.amend_challenge(closed, data_of(closed, title="x"), reason="晚了", actor=actor)
    db.session.rollback()
    assert db.session.query(Amendment).count() == 0


def test_cancel_needs_a_reason_and_keeps_it_public(bureau, make, client):
    c = make.challenge("published")
    assert bureau.post(f"/manage/challenges/{c.id}/cancel", {"reason": ""}).status_code == 400
    assert bureau.post(f"/manage/challenges/{c.id}/cancel", {"reason": "发榜企业主动撤回需求"}).status_code == 302
    db.session.expire_all()
    c = db.session.get(Challenge, c.id)
    assert c.state is ChallengeState.CANCELLED and c.cancel_reason == "发榜企业主动撤回需求"
    assert "发榜企业主动撤回需求" in client.get(f"/challenges/{c.id}").get_data(as_text=True)
    # a second cancellation is a conflict, not a silent success
    assert bureau.post(f"/manage/challenges/{c.id}/cancel", {"reason": "再撤"}).status_code == 409


def test_cancelled_draft_never_becomes_public(bureau, make, client):
    c = make.challenge("draft")
    assert bureau.post(f"/manage/challenges/{c.id}/cancel", {"reason": "重复榜单"}).status_code == 302
    assert client.get(f"/challenges/{c.id}").status_code == 404


def test_applicant_of_another_enterprise_cannot_read_a_draft(login_as, make):
    c = make.challenge("draft")
    outsider = login_as("applicant")
    assert outsider.get(f"/manage/challenges/{c.id}").status_code == 404
    assert outsider.get(f"/challenges/{c.id}").status_code == 404
    insider = login_as("applicant", organisation=c.issuer)
    assert insider.get(f"/manage/challenges/{c.id}").status_code == 200


def test_database_enforces_the_invariants(make):
    from sqlalchemy.exc import IntegrityError

    from sqlalchemy import text

    c = make.challenge("draft")
    # slots >= 1; published needs publication and every field; cancelled needs a reason; enum CHECK
    for column, value in (("slots", 0), ("state", "published"), ("state", "cancelled"), ("state", "bogus")):
        with pytest.raises(IntegrityError):
            with db.engine.begin() as conn:
                conn.execute(text(f"UPDATE challenges SET {column} = :v WHERE id = :id"), {"v": value, "id": c.id})
    with pytest.raises(IntegrityError):
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE challenge_milestones SET tranche_percent = 101 WHERE challenge_id = :id"),
                         {"id": c.id})


def test_a_concurrent_change_is_a_409_not_a_500(bureau, make, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    from app.challenges import operations as ops

    c = make.challenge("draft")

    def racing(*args, **kwargs):
        raise StaleDataError("UPDATE statement on table 'challenges' expected to update 1 row(s); 0 were matched.")

    monkeypatch.setattr(ops, "publish_challenges", racing)
    response = bureau.post("/manage/challenges/publish", {"challenge_ids": [str(c.id)]})
    assert response.status_code == 409 and "请刷新页面后重试" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Challenge, c.id).state is ChallengeState.DRAFT


HOSTILE_CHALLENGE_FIELDS = [
    ("support", v) for v in ("1e999999", "1e30", "1e18", "NaN", "sNaN", "Infinity", "-1", "9" * 5000)
] + [
    ("kpis-0-target_value", v) for v in ("1e999999", "1e30", "NaN", "sNaN", "Infinity", "-Infinity", "1e5",
                                         "0.1234567")
] + [
    ("slots", v) for v in ("1e30", "99999999999999999999", "NaN", "²", "-1")
] + [
    ("time_limit_months", "1e18"), ("milestones-0-month_offset", "1e30"), ("milestones-0-tranche_percent", "NaN"),
    ("bid_opens_at", "0001-01-01T00:00"), ("bid_deadline_at", "9999-12-31T23:59"), ("issuer_id", "9" * 25),
    ("issuer_id", "-1"), ("issuer_id", "1e3"),
]


@pytest.mark.parametrize("field, value", HOSTILE_CHALLENGE_FIELDS)
def test_one_hostile_number_in_a_valid_challenge_form_is_a_fast_400(bureau, enterprise, field, value):
    import time

    started = time.perf_counter()
    data = challenge_form(enterprise.id)
    assert field in data
    data[field] = value
    response = bureau.post("/manage/challenges/new", data)
    assert time.perf_counter() - started < 3.0  # a ceiling (see tests/core/test_hostile_input.py)
    assert response.status_code == 400
    assert _count() == 0
