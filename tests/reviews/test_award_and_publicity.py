"""Ranking (computed, constant statement count), award (rule 13), the 公示 with its
working-day window (rule 14), objections and approval blockers."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlalchemy import event

from app.challenges.models import ChallengeState
from app.core.timeutil import frozen_time, to_local, utcnow
from app.core.uow import unit_of_work
from app.documents.models import IssuedDocument
from app.extensions import db
from app.notifications.models import Notification
from app.reviews import award as award_ops
from app.reviews import operations as ops
from app.reviews.models import Award, ExpertReview, Objection, ObjectionState, Publicity
from app.reviews.queries import approval_blockers, ranking

from .conftest import make_expert, make_review_challenge, open_round, score

TOTALS = {  # per bid: the first criterion's score per expert (others fixed at 16/16/12/12 -> +56)
    0: (28, 27, 26, 25, 5),    # 5 scores: trimmed; 5 is an outlier (flagged)
    1: (20, 21, 22, 23, 24),
    2: (29, 29, 29, 29, 29),
}


def _scored(make, *, bids=3, slots=2):
    challenge, made, bureau = make_review_challenge(make, bids=bids, slots=slots)
    [make_expert(make) for _ in range(5)]
    round_ = open_round(challenge, bureau)
    with unit_of_work():
        draw = ops.draw_experts(round_, actor=bureau)
    experts = {u_id: None for u_id in draw.selected}
    from app.auth.models import User
    for n, expert_id in enumerate(draw.selected):
        expert = db.session.get(User, expert_id)
        for i, bid in enumerate(made):
            review = db.session.scalar(sa.select(ExpertReview).where(ExpertReview.bid_id == bid.id,
                                                                     ExpertReview.expert_id == expert_id))
            score(review, expert, values=(TOTALS[i % 3][n], 16, 16, 12, 12))
    return challenge, made, bureau, round_


def test_ranking_trims_flags_and_orders(make):
    challenge, bids, _bureau, round_ = _scored(make)
    rows = ranking(round_)
    assert [r.bid_id for r in rows] == [bids[2].id, bids[0].id, bids[1].id]
    top, second, third = rows
    assert top.mean == Decimal("85.00") and top.aggregate.is_trimmed
    # bid 0: totals 84, 83, 82, 81, 61 -> drop 84 and 61 -> 82.00; 61 is > 20 from the median 82
    assert second.mean == Decimal("82.00") and second.flagged == 1
    assert [s.is_flagged for s in second.scores].count(True) == 1
    assert second.aggregate.spread == Decimal("23.00")
    assert third.criterion_means[round_.criteria[0].id] == Decimal("22.00")
    assert top.kpi_misses == []


def test_ties_break_by_technical_criterion_then_submission_time(make):
    challenge, bids, bureau = make_review_challenge(make, bids=3)
    experts = [make_expert(make) for _ in range(3)]
    round_ = open_round(challenge, bureau, panel_size=3)
    with unit_of_work():
        ops.draw_experts(round_, actor=bureau)
    values = {0: (20, 20, 20, 12, 12), 1: (25, 15, 20, 12, 12), 2: (25, 15, 20, 12, 12)}  # all total 84
    for i, bid in enumerate(bids):
        for expert in experts:
            review = db.session.scalar(sa.select(ExpertReview).where(ExpertReview.bid_id == bid.id,
                                                                     ExpertReview.expert_id == expert.id))
            score(review, expert, values=values[i])
    rows = ranking(round_)
    assert {r.mean for r in rows} == {Decimal("84.00")}
    # 1 and 2 have the higher technical mean; between them the earlier submission wins
    assert [r.bid_id for r in rows] == [bids[1].id, bids[2].id, bids[0].id]


def test_ranking_page_chart_and_export(make, as_user):
    challenge, bids, bureau, round_ = _scored(make)
    b = as_user(bureau)
    page = b.get(f"/manage/reviews/round/{round_.id}/ranking")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in body and 'class="flag"' in body and "去掉最高最低分" in body
    response = b.post(f"/manage/reviews/round/{round_.id}/export", token_from=f"/manage/reviews/round/{round_.id}/ranking")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["排名", "原始评分"]
    assert book["排名"]["E2"].value == 85.0 and book["原始评分"].max_row == 1 + 15


def _count_statements(fn):
    seen = []

    def listener(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(seen)


def _bulk_round(make, bids: int, experts: int):
    """A round with ``bids`` passed bids and ``experts`` submitted reviews each, inserted
    in bulk (the operations are tested elsewhere; here only the read is measured)."""
    from app.reviews.models import ReviewDraw, ReviewRating, ReviewState
    challenge, made, bureau = make_review_challenge(make, bids=bids)
    pool = [make_expert(make) for _ in range(experts)]
    round_ = open_round(challenge, bureau, panel_size=experts)
    draw = ReviewDraw(round_id=round_.id, sequence=1, kind="initial", seed="0" * 32, size=experts, bid_ids_json="[]",
                      candidates_json="[]", exclusions_json="[]", selected_json="[]", drawn_by_id=bureau.id)
    db.session.add(draw)
    db.session.flush()
    now = utcnow()
    for n, bid in enumerate(made):
        for m, expert in enumerate(pool):
            review = ExpertReview(round_id=round_.id, bid_id=bid.id, expert_id=expert.id, draw_id=draw.id,
                                  state=ReviewState.SUBMITTED, conflict_confirmed_at=now, submitted_at=now)
            review.ratings = [ReviewRating(criterion_id=c.id, score=Decimal((n + m) % c.max_score))
                              for c in round_.criteria]
            db.session.add(review)
    db.session.commit()
    return round_


def test_ranking_page_statements_do_not_grow_with_bids_or_experts(make, as_user, app):
    small = _bulk_round(make, 3, 5)
    large = _bulk_round(make, 40, 7)
    bureau = small.created_by
    b = as_user(bureau)
    counts = []
    for round_ in (small, large):
        url = f"/manage/reviews/round/{round_.id}/ranking"
        counts.append(_count_statements(lambda: b.get(url)))
    assert len(ranking(large)) == 40 and all(r.aggregate.count == 7 for r in ranking(large))
    assert counts[0] == counts[1], counts


def test_award_rules(make, as_user):
    challenge, bids, bureau, round_ = _scored(make, slots=2)
    b = as_user(bureau)
    url = f"/manage/reviews/round/{round_.id}/award"
    assert b.get(url).status_code == 200
    response = b.post(url, {"bid_ids": [str(x.id) for x in bids]}, token_from=url)
    assert response.status_code == 400 and "最多确定2个揭榜方" in response.get_data(as_text=True)
    response = b.post(url, {"bid_ids": [str(bids[1].id)]}, token_from=url)   # ranked third, no rationale
    assert response.status_code == 400 and "必须填写书面理由" in response.get_data(as_text=True)
    response = b.post(url, {"bid_ids": ["999999"]}, token_from=url)
    assert response.status_code == 400 and "完成专家评审" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Award.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(IssuedDocument.id))) == 0
    response = b.post(url, {"bid_ids": [str(bids[2].id), str(bids[0].id)]}, token_from=url)
    assert response.status_code == 302
    db.session.expire_all()
    assert challenge.state is ChallengeState.AWARDED
    publicity = db.session.scalar(sa.select(Publicity))
    assert publicity.document.doc_type == "award_publicity" and publicity.document.is_public
    # rule 14: 7 working days after the day of publication, ending at 24:00 Beijing time
    assert to_local(publicity.ends_at).hour == 0 and publicity.working_days == 7
    # a second award (double click, second tab) is refused
    assert b.post(url, {"bid_ids": [str(bids[2].id)]}, token_from=f"/manage/reviews/round/{round_.id}").status_code == 409
    # every bidder learns its own result
    results = db.session.scalars(sa.select(Notification.body).where(Notification.kind == "award.published")).all()
    assert len(results) == 3 and sum("拟入选" in r for r in results) == 2 and sum("未入选" in r for r in results) == 1


def test_award_needs_every_score(make):
    challenge, bids, bureau = make_review_challenge(make, bids=2)
    experts = [make_expert(make) for _ in range(5)]
    round_ = open_round(challenge, bureau)
    with unit_of_work():
        ops.draw_experts(round_, actor=bureau)
    with pytest.raises(ops.ReviewConflict, match="未提交"):
        award_ops.award_bids(round_, [bids[0].id], actor=bureau, rationale="")
    assert experts


def test_window_counts_working_days_across_national_day():
    start = datetime(2026, 9, 29, 2, 0, tzinfo=timezone.utc)  # Tue 29 Sep, 10:00 Beijing
    end = award_ops.window_end(start, 7)
    # 30 Sep (Wed), 1-7 Oct holiday (Oct 8 is a holiday too in 2026? counted from the calendar), ...
    from app.core.timeutil import add_working_days
    last = add_working_days(to_local(start).date(), 7)
    assert to_local(end) == datetime(last.year, last.month, last.day, tzinfo=to_local(end).tzinfo) + timedelta(days=1)
    assert (last - to_local(start).date()).days > 9  # the holiday is skipped


@pytest.fixture
def published(make):
    challenge, bids, bureau, round_ = _scored(make, slots=2)
    with unit_of_work():
        award_ops.award_bids(round_, [bids[2].id, bids[0].id], actor=bureau, rationale="")
    return challenge, bids, bureau, round_, db.session.scalar(sa.select(Publicity))


def _objection(**over):
    data = {"name": "张三", "organisation": "焦作市某科技公司", "phone": "13912345678", "email": "zs@example.cn",
            "content": "拟揭榜单位的团队负责人与申报材料不符。"}
    data.update(over)
    return data


def test_public_pages_and_objections(published, client, make):
    challenge, bids, bureau, round_, publicity = published
    listing = client.get("/publicity")
    assert listing.status_code == 200 and publicity.document.number in listing.get_data(as_text=True)
    detail = client.get(f"/publicity/{publicity.id}").get_data(as_text=True)
    assert "24:00（北京时间）" in detail and "实名提出异议" in detail
    assert publicity.document.number in client.get(f"/challenges/{challenge.id}").get_data(as_text=True)
    url = f"/publicity/{publicity.id}/objection"
    from tests.conftest import csrf_from

    def post(data, **kw):
        token = csrf_from(client.get(url).get_data(as_text=True))
        return client.post(url, data={**data, "csrf_token": token}, **kw)

    for anonymous in ("", "匿名", "Anonymous", "  "):
        response = post(_objection(name=anonymous))
        assert response.status_code == 400 and "不受理匿名异议" in response.get_data(as_text=True)
    assert post(_objection(phone="12345")).status_code == 400
    assert post(_objection(email="not-an-email")).status_code == 400
    assert post(_objection(content="x" * 5001)).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Objection.id))) == 0
    response = post(_objection(), content_type="multipart/form-data")
    assert response.status_code == 302
    # one minute after the window: refused with the reason
    with frozen_time(publicity.ends_at + timedelta(minutes=1)):
        response = post(_objection(name="李四"))
        assert response.status_code == 409 and "逾期提出的异议不予受理" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Objection.id))) == 1
    told = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == bureau.id)).all()
    assert "objection.filed" in told


def test_objection_with_attachment_and_bad_file(published, client):
    from tests.conftest import csrf_from
    _c, _b, _bureau, _r, publicity = published
    url = f"/publicity/{publicity.id}/objection"
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    token = csrf_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={**_objection(), "csrf_token": token, "attachment": (BytesIO(b"MZ\x90" + b"\0" * 64), "a.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "文件类型不被接受" in response.get_data(as_text=True)
    token = csrf_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={**_objection(), "csrf_token": token, "attachment": (BytesIO(pdf), "证明.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Objection)).attachment_name == "证明.pdf"


def test_approval_blocked_until_window_ends_and_objections_resolved(published, as_user):
    challenge, bids, bureau, round_, publicity = published
    assert approval_blockers(challenge) and "公示期" in approval_blockers(challenge)[0]
    with unit_of_work():
        objection = award_ops.file_objection(publicity, **_objection())
    after = publicity.ends_at + timedelta(seconds=1)
    assert approval_blockers(challenge, after) == ["还有1件异议尚未处理完毕"]
    b = as_user(bureau)
    url = f"/manage/reviews/objection/{objection.id}"
    assert b.post(url, {"outcome": "dismissed", "handling": ""}, token_from=url).status_code == 400
    response = b.post(url, {"outcome": "dismissed", "handling": "x", "revoke_award_id": "1"}, token_from=url)
    assert response.status_code == 400  # revoking needs a sustained objection
    assert b.post(url, {"outcome": "dismissed", "handling": "经核查，负责人信息与申报材料一致。"},
                  token_from=url).status_code == 302
    assert b.post(url, {"outcome": "sustained", "handling": "again"}, token_from=url).status_code == 409
    db.session.expire_all()
    assert db.session.get(Objection, objection.id).state is ObjectionState.DISMISSED
    assert approval_blockers(challenge, after) == []
    assert approval_blockers(challenge, publicity.ends_at - timedelta(minutes=1))


def test_sustained_objection_replaces_a_winner_with_a_corrected_publicity(published, as_user, app):
    challenge, bids, bureau, round_, publicity = published
    app.config["MAIL_SERVER"] = "127.0.0.1"
    try:
        with unit_of_work():
            objection = award_ops.file_objection(publicity, **_objection())
        removed = db.session.scalar(sa.select(Award).where(Award.bid_id == bids[0].id))
        b = as_user(bureau)
        url = f"/manage/reviews/objection/{objection.id}"
        with frozen_time(publicity.starts_at + timedelta(days=3)):  # handled three days later
            response = b.post(url, {"outcome": "sustained", "handling": "经核查，团队负责人已调离，异议成立。",
                                    "revoke_award_id": str(removed.id)}, token_from=url)
        assert response.status_code == 302
    finally:
        app.config["MAIL_SERVER"] = ""
    db.session.expire_all()
    active = db.session.scalars(sa.select(Award.bid_id).where(Award.revoked_at.is_(None))).all()
    assert sorted(active) == sorted([bids[2].id, bids[1].id])  # the next-ranked bid takes the slot
    new = db.session.scalar(sa.select(Publicity).where(Publicity.corrects_id == publicity.id))
    assert new is not None and new.document.corrects_id == publicity.document_id
    assert new.ends_at > publicity.ends_at
    assert approval_blockers(challenge, publicity.ends_at + timedelta(seconds=1))  # the new window runs
    assert approval_blockers(challenge, new.ends_at) == []
    from app.core.models import OutboxMessage
    mails = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "email")).all()
    assert any(m.payload["to"] == "zs@example.cn" and "异议成立" in m.payload["text"] for m in mails)
    # objections to the superseded 公示 are refused
    with pytest.raises(ops.ReviewConflict):
        award_ops.file_objection(publicity, **_objection())
