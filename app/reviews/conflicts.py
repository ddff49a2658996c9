"""Facts for the draw and the conflict rules, read from the database: the expert pool
of a field, each expert's employers (now or within the look-back) and declared
relationships, and each bid's parties from its submitted snapshot — all by credit
code (rule 11). The decisions themselves are the pure functions in ``rules``."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..auth.expert_models import ExpertField, ExpertProfile
from ..auth.expert_rules import declared_org_ids, employers_within
from ..auth.models import Organisation, Role, User
from ..core.policy import policy
from ..core.timeutil import local_today
from ..extensions import db
from .rules import BidFacts, ExpertFacts, Org


def expert_pool(field: str) -> list[ExpertProfile]:
    """Active experts (active profile, active account) whose fields include ``field``,
    ordered by user id (the draw's order comes from the seed, not from here)."""
    return list(db.session.scalars(
        sa.select(ExpertProfile).join(User, User.id == ExpertProfile.user_id)
        .where(ExpertProfile.is_active.is_(True), User.is_active_flag.is_(True), User.role == Role.EXPERT,
               sa.exists().where(ExpertField.profile_id == ExpertProfile.id, ExpertField.field == field))
        .options(selectinload(ExpertProfile.user), selectinload(ExpertProfile.employments),
                 selectinload(ExpertProfile.relationships))
        .order_by(ExpertProfile.user_id)))


def _orgs(ids: set[int]) -> dict[int, Org]:
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Organisation.id, Organisation.credit_code, Organisation.name)
                              .where(Organisation.id.in_(ids))).all()
    return {r.id: Org(r.credit_code, r.name) for r in rows}


def expert_facts(profiles: list[ExpertProfile], on: date | None = None) -> dict[int, ExpertFacts]:
    """user id -> facts, with organisations as (credit code, name)."""
    on = on or local_today()
    years = policy("conflict_lookback_years")
    employers = {p.user_id: employers_within(p, years=years, on=on) for p in profiles}
    declared = {p.user_id: {r.organisation_id: r.reason for r in p.relationships
                            if r.organisation_id in declared_org_ids(p)} for p in profiles}
    orgs = _orgs(set().union(*employers.values(), *(d.keys() for d in declared.values())) if profiles else set())
    return {uid: ExpertFacts(uid, tuple(orgs[i] for i in sorted(employers[uid]) if i in orgs),
                             tuple((orgs[i], reason) for i, reason in sorted(declared[uid].items()) if i in orgs))
            for uid in employers}


def bid_facts(bids) -> list[BidFacts]:
    """Parties of each bid as frozen in its submitted version (lead, consortium) plus
    the challenge's issuing enterprise."""
    facts = []
    for bid in bids:
        snap = bid.latest_version.snapshot
        issuer = bid.challenge.issuer
        facts.append(BidFacts(
            bid.id, snap["title"], Org(snap["lead"]["credit_code"], snap["lead"]["name"]),
            tuple(Org(m["credit_code"], m["name"]) for m in snap["members"]),
            Org(issuer.credit_code, issuer.name)))
    return facts
