"""The projects demo (``make run``): a race with two running projects that both passed
their first milestone, and a decided race with one eliminated and one accepted project,
every step's notice issued. Running the seed again adds nothing."""
from __future__ import annotations

from app.challenges.models import Challenge
from app.core import demo as core_demo
from app.documents.operations import documents_for
from app.projects import demo as project_demo
from app.projects.models import MilestoneState, Project, ProjectState, RaceDecision
from app.projects.operations import projects_of
from app.projects.queries import race_rows


def _states(title):
    challenge = Challenge.query.filter_by(title=title).one()
    return challenge, projects_of(challenge)


def test_projects_demo_shows_every_stage_and_is_idempotent(app):
    core_demo.run_all(echo=lambda *_a: None)
    count = Project.query.count()
    core_demo.run_all(echo=lambda *_a: None)
    assert Project.query.count() == count

    race, (a, b) = _states(project_demo.RACE_TITLE)
    assert race.slots == 2 and a.state is b.state is ProjectState.RUNNING
    assert [m.state for m in a.milestones] == [m.state for m in b.milestones] == [
        MilestoneState.PASSED, MilestoneState.PENDING, MilestoneState.PENDING]
    rows = race_rows(race)
    assert [r.project.id for r in rows] == [a.id, b.id]
    assert rows[0].mean_progress is not None and rows[1].mean_progress is not None
    assert rows[0].mean_progress > rows[1].mean_progress
    assert [d.doc_type for d in documents_for(a)] == ["project_approval", "contract_summary", "midterm_opinion"]

    finished, projects = _states(project_demo.FINISHED_TITLE)
    states = {p.state for p in projects}
    assert states == {ProjectState.ACCEPTED, ProjectState.ELIMINATED}
    winner = next(p for p in projects if p.state is ProjectState.ACCEPTED)
    loser = next(p for p in projects if p.state is ProjectState.ELIMINATED)
    assert RaceDecision.query.filter_by(challenge_id=finished.id).count() == 1
    assert [d.doc_type for d in documents_for(winner)] == [
        "project_approval", "contract_summary", "midterm_opinion", "midterm_opinion", "midterm_opinion",
        "acceptance_opinion"]
    assert [d.doc_type for d in documents_for(loser)] == [
        "project_approval", "contract_summary", "midterm_opinion", "midterm_opinion", "elimination_notice"]
    assert loser.milestones[2].state is MilestoneState.CANCELLED
    assert all(m.state is MilestoneState.PASSED for m in winner.milestones)
    assert winner.acceptance.decided_at is not None and loser.ended_at is not None
