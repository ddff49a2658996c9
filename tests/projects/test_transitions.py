"""The transition tables of projects, milestones, reports, reviews and extensions:
every allowed move by every allowed role succeeds (and records who/from/to/why),
every other role is refused, and moves outside the table are refused for everyone."""
from __future__ import annotations

from itertools import product
from types import SimpleNamespace

import pytest

from app.auth.models import Role
from app.core import transitions
from app.core.transitions import SYSTEM, TransitionError, transition
from app.projects.models import (MilestoneReport, Project, ProjectExtension, ProjectMilestone, ReportReview)

MODELS = [Project, ProjectMilestone, MilestoneReport, ReportReview, ProjectExtension]
ACTORS = [SYSTEM] + [r.value for r in Role]


def _actor(role):
    return None if role == SYSTEM else SimpleNamespace(role=Role(role), id=None)


@pytest.fixture
def recorded(monkeypatch):
    events = []
    monkeypatch.setattr(transitions, "record_event",
                        lambda obj, action, **kw: events.append((action, kw["from_state"], kw["to_state"],
                                                                 kw["reason"])))
    return events


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__tablename__)
def test_every_allowed_move_for_every_role(model, recorded):
    table = model.__transitions__
    assert table.edges(), "empty table"
    for frm, to, roles in table.edges():
        for role in ACTORS:
            obj = model(state=frm)
            if role in roles:
                transition(obj, to, _actor(role), "理由")
                assert obj.state is to and recorded[-1] == ("transition", frm, to, "理由")
            else:
                with pytest.raises(TransitionError):
                    transition(obj, to, _actor(role), "理由")
                assert obj.state is frm


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__tablename__)
def test_moves_outside_the_table_are_refused_for_everyone(model, recorded):
    table = model.__transitions__
    states = list(table.enum)
    outside = [(f, t) for f, t in product(states, states) if (f, t) not in table.moves]
    assert outside
    for frm, to in outside:
        for role in ACTORS:
            obj = model(state=frm)
            with pytest.raises(TransitionError):
                transition(obj, to, _actor(role), "理由")
    assert recorded == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__tablename__)
def test_reasons_are_required_where_the_table_says(model, recorded):
    table = model.__transitions__
    for frm, to in table.reason_required:
        role = sorted(table.moves[(frm, to)])[0]
        with pytest.raises(TransitionError, match="理由"):
            transition(model(state=frm), to, _actor(role), "  ")


def test_end_states_have_no_way_out():
    from app.projects.models import ENDED_EARLY, FINISHED_STATES, PROJECT_TRANSITIONS

    for state in ENDED_EARLY | FINISHED_STATES:
        assert not [t for (f, t) in PROJECT_TRANSITIONS.moves if f is state]
