"""Drawing the expert panel of a milestone report or an acceptance: the same replayable
draw and conflict rules as bid review (rule 11).

:func:`draw_panel` is the one function the milestone-review and acceptance flows call.
It orders the field's active experts by SHA-256("<seed>:<user id>") — the algorithm of
``app.reviews.rules.draw_order`` — and skips experts in conflict with the project's
parties (lead unit, consortium members, issuing enterprise): same employer now or
within the look-back years, or a declared relationship. At merge, point the body at
``app.reviews.rules.draw_panel`` and ``app.reviews.conflicts.expert_pool`` /
``expert_facts`` (see the lead's notes in the report); the stored record (seed,
candidates, exclusions with reasons, chosen) stays the same.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from ..auth.expert_models import ExpertField, ExpertProfile
from ..auth.expert_rules import declared_org_ids, employers_within
from ..auth.models import Role, User
from ..core.policy import policy
from ..core.timeutil import local_today
from ..extensions import db


@dataclass(frozen=True)
class Draw:
    seed: str
    candidates: list[int]
    excluded: dict[int, list[str]]
    chosen: list[int]

    def to_json(self) -> str:
        return json.dumps({"seed": self.seed, "candidates": self.candidates,
                           "excluded": {str(k): v for k, v in self.excluded.items()},
                           "chosen": self.chosen}, ensure_ascii=False, sort_keys=True)


def draw_order(seed: str, candidate_ids) -> list[int]:
    return sorted(set(candidate_ids), key=lambda i: (hashlib.sha256(f"{seed}:{i}".encode()).hexdigest(), i))


def _pool(field: str) -> list[ExpertProfile]:
    return list(db.session.scalars(
        sa.select(ExpertProfile).join(User, User.id == ExpertProfile.user_id)
        .where(ExpertProfile.is_active.is_(True), User.is_active_flag.is_(True), User.role == Role.EXPERT,
               sa.exists().where(ExpertField.profile_id == ExpertProfile.id, ExpertField.field == field))
        .order_by(ExpertProfile.user_id)))


def conflicts_of(profile: ExpertProfile, party_ids: dict[int, str]) -> list[str]:
    years = policy("conflict_lookback_years")
    reasons = []
    for org_id in sorted(employers_within(profile, years=years, on=local_today()) & set(party_ids)):
        reasons.append(_("专家现工作单位或近%(y)s年内工作单位是%(role)s", y=years, role=party_ids[org_id]))
    for org_id in sorted(declared_org_ids(profile) & set(party_ids)):
        reasons.append(_("专家声明与%(role)s存在利害关系", role=party_ids[org_id]))
    return reasons


def project_parties(project) -> dict[int, str]:
    parties = {project.challenge.issuer_id: _("发榜单位")}
    for m in project.members:
        parties[m.organisation_id] = _("联合体成员")
    parties[project.organisation_id] = _("项目牵头单位")
    return parties


def draw_panel(project, size: int, seed: str | None = None, exclude_user_ids=()) -> Draw:
    """Draw ``size`` experts of the challenge's field for ``project`` (fewer when the
    pool is too small: the caller refuses that)."""
    seed = seed or secrets.token_hex(16)
    profiles = {p.user_id: p for p in _pool(project.challenge.field)}
    parties = project_parties(project)
    excluded = {uid: reasons for uid, p in profiles.items() if (reasons := conflicts_of(p, parties))}
    for uid in exclude_user_ids:
        excluded.setdefault(uid, [_("已参加本次评审")])
    order = draw_order(seed, profiles)
    chosen = [uid for uid in order if uid not in excluded][:size]
    return Draw(seed=seed, candidates=order, excluded=excluded, chosen=chosen)
