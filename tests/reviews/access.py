"""Access matrix rows for the expert review, award and publicity (see tests/access.py).

The matrix's expert is on the panel of ``round_id`` (``review_id`` is one of their
reviews, still unconfirmed); ``other_review_id`` belongs to another expert. The
publicity is issued on a second, awarded challenge with one objection.
"""
from datetime import datetime, timezone

from app.core.timeutil import frozen_time
from app.core.uow import unit_of_work
from app.reviews import award as award_ops
from app.reviews import operations as ops
from app.reviews.models import Award, ExpertReview
from app.extensions import db
from tests.access import PUBLIC, only

from .conftest import make_expert, make_review_challenge, open_round, score


def _profile(user, make):
    from app.auth.expert_models import ExpertField, ExpertProfile

    if user.expert_profile is not None:  # set up twice in one test (the seal sweep)
        return
    profile = ExpertProfile(user_id=user.id, is_active=True)
    profile.field_rows = [ExpertField(field="新材料")]
    db.session.add(profile)
    db.session.commit()


def setup(make, users):
    bureau = users["bureau"]
    _profile(users["expert"], make)
    others = [make_expert(make) for _ in range(4)]
    challenge, bids, _b = make_review_challenge(make, bids=1, bureau=bureau)
    from app.reviews.conflicts import expert_pool

    # the whole pool (other sweeps may have added experts): the matrix's expert is on the panel
    round_ = open_round(challenge, bureau, panel_size=min(len(expert_pool("新材料")), 25))
    with unit_of_work():
        draw = ops.draw_experts(round_, actor=bureau)
    mine = db.session.query(ExpertReview).filter_by(round_id=round_.id, expert_id=users["expert"].id).one()
    other = db.session.query(ExpertReview).filter_by(round_id=round_.id, expert_id=others[0].id).one()
    # a second challenge: scored, awarded, publicised, with one objection
    challenge2, bids2, _b2 = make_review_challenge(make, bids=2, bureau=bureau)
    round2 = open_round(challenge2, bureau, panel_size=3)
    with unit_of_work():
        ops.draw_experts(round2, actor=bureau)
    for review in db.session.query(ExpertReview).filter_by(round_id=round2.id).all():
        score(review, review.expert)
    # On a day the bundled calendar covers (the seal sweep re-runs this with the clock
    # moved past the deadline, possibly into a year nobody has entered yet).
    with frozen_time(datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)):
        with unit_of_work():
            publicity = award_ops.award_bids(round2, [bids2[0].id], actor=bureau, rationale="")
        with unit_of_work():
            objection = award_ops.file_objection(publicity, name="张三", organisation="某公司", phone="13912345678",
                                                 email="a@example.cn", content="异议")
    award = db.session.query(Award).first()
    return {"challenge_id": challenge.id, "round_id": round_.id, "review_id": mine.id, "other_review_id": other.id,
            "draw_id": draw.id, "round2_id": round2.id, "challenge2_id": challenge2.id,
            "publicity_id": publicity.id, "objection_id": objection.id, "award_id": award.id}


BUREAU = only({"bureau"})
EXPERT = only({"expert"})
EXPERT_404 = only({"expert"}, ok=404)

ROUTES = [
    ("GET", "reviews.index", "/reviews/", EXPERT),
    ("GET", "reviews.confirm", "/reviews/{review_id}/confirm", EXPERT),
    ("GET", "reviews.confirm", "/reviews/{other_review_id}/confirm", EXPERT_404),
    ("GET", "reviews.score", "/reviews/{review_id}/score", EXPERT_404),      # not confirmed yet
    ("GET", "reviews.score", "/reviews/{other_review_id}/score", EXPERT_404),
    ("POST", "reviews.score", "/reviews/{other_review_id}/score", EXPERT_404),
    ("POST", "reviews.recuse", "/reviews/{other_review_id}/recuse", EXPERT_404),
    ("POST", "reviews.recuse", "/reviews/{review_id}/recuse", only({"expert"}, ok=400)),
    ("POST", "reviews.decline", "/reviews/round/{round_id}/decline", only({"expert"}, ok=400)),
    ("POST", "reviews.confirm", "/reviews/{review_id}/confirm", only({"expert"}, ok=302)),
    ("GET", "review_manage.index", "/manage/reviews/", BUREAU),
    ("GET", "review_manage.open_round", "/manage/reviews/challenge/{challenge_id}/round", only({"bureau"}, ok=302)),
    ("GET", "review_manage.open_round", "/manage/reviews/challenge/999999/round", only({"bureau"}, ok=404)),
    ("POST", "review_manage.open_round", "/manage/reviews/challenge/{challenge_id}/round", only({"bureau"}, ok=302)),
    ("GET", "review_manage.round_detail", "/manage/reviews/round/{round_id}", BUREAU),
    ("GET", "review_manage.draw_detail", "/manage/reviews/draw/{draw_id}", only({"bureau", "admin"})),
    ("GET", "review_manage.ranking", "/manage/reviews/round/{round2_id}/ranking", BUREAU),
    ("GET", "review_manage.award", "/manage/reviews/round/{round2_id}/award", BUREAU),
    ("POST", "review_manage.award", "/manage/reviews/round/{round2_id}/award", only({"bureau"}, ok=409)),
    ("POST", "review_manage.draw", "/manage/reviews/round/{round_id}/draw", only({"bureau"}, ok=409)),
    ("POST", "review_manage.replace", "/manage/reviews/review/{review_id}/replace", only({"bureau"}, ok=409)),
    ("POST", "review_manage.reopen", "/manage/reviews/review/{review_id}/reopen", only({"bureau"}, ok=400)),
    ("POST", "review_manage.export", "/manage/reviews/round/{round2_id}/export", only({"bureau"}, ok=200)),
    ("GET", "review_manage.objections", "/manage/reviews/challenge/{challenge2_id}/objections", BUREAU),
    ("GET", "review_manage.objection", "/manage/reviews/objection/{objection_id}", BUREAU),
    ("POST", "review_manage.objection", "/manage/reviews/objection/{objection_id}", only({"bureau"}, ok=400)),
    ("GET", "review_manage.objection_attachment", "/manage/reviews/objection/{objection_id}/attachment",
     only({"bureau"}, ok=404)),
    ("GET", "publicity.index", "/publicity", PUBLIC),
    ("GET", "publicity.detail", "/publicity/{publicity_id}", PUBLIC),
    ("GET", "publicity.detail", "/publicity/999999", {r: 404 for r in PUBLIC}),
    ("GET", "publicity.objection", "/publicity/{publicity_id}/objection", PUBLIC),
    ("POST", "publicity.objection", "/publicity/{publicity_id}/objection", {r: 400 for r in PUBLIC}),
]
