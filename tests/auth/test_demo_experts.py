"""`demo seed` step for the expert pool: profiles, a conflict with a demo bidder,
enough experts for a five-expert panel; idempotent."""
from __future__ import annotations

from app.auth.demo import seed_experts
from app.auth.expert_models import ExpertField, ExpertProfile
from app.auth.expert_rules import declared_org_ids, employers_within
from app.auth.models import Organisation, OrgType, User
from app.core import demo as core_demo
from app.extensions import db


def _seed():
    context = {"data": core_demo.load_demo_data(), "passwords": {}}
    lines = []
    for step in (core_demo.seed_organisations, core_demo.seed_users, seed_experts):
        step(context, lines.append)
        db.session.commit()
    return lines


def test_demo_experts(app):
    _seed()
    profiles = ExpertProfile.query.all()
    assert len(profiles) == 11 and all(p.is_active and p.employer and p.fields for p in profiles)
    expert = User.query.filter_by(email="expert@jiebang.demo").one().expert_profile
    hpu = Organisation.query.filter_by(name="河南理工大学").one()  # bids on the CO2 challenge
    assert hpu.id in employers_within(expert, 3)
    expert3 = User.query.filter_by(email="expert3@jiebang.demo").one().expert_profile
    assert Organisation.query.filter_by(name="河南工业大学").one().id in declared_org_ids(expert3)
    for field in ("节能环保", "超硬材料"):  # the fields of the challenges with demo bids
        count = ExpertField.query.filter_by(field=field).count()
        assert count >= 6, (field, count)
    # bureau and finance staff belong to the government bureaus (11-prefixed codes)
    for email, name in [("bureau@jiebang.demo", "焦作市科学技术局"), ("finance@jiebang.demo", "焦作市财政局")]:
        org = User.query.filter_by(email=email).one().organisation
        assert (org.name, org.org_type) == (name, OrgType.GOVERNMENT) and org.credit_code.startswith("11")
    lines = _seed()
    assert ExpertProfile.query.count() == 11
    assert "新建专家档案 0 份" in lines[-1]
