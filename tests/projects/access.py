"""Access matrix rows for projects (see tests/access.py).

The matrix's applicant leads ``project_id`` (signed, running, one report under review
with an evidence file); the matrix's expert was drawn to review that report.
"""
from io import BytesIO

from werkzeug.datastructures import FileStorage

from app.auth.expert_operations import ExpertData, save_expert_profile
from app.bids import formal_review as review_ops
from app.challenges.models import ChallengeState
from app.core.timeutil import local_today, utcnow
from app.extensions import db
from app.projects import operations as ops, reporting
from tests.access import only

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def setup(make, users):
    from decimal import Decimal

    applicant, bureau, expert = users["applicant"], users["bureau"], users["expert"]
    challenge = make.challenge(state="published", slots=1)
    bid = make.bid(challenge, state="submitted", user=applicant, signed=True)
    challenge.bid_deadline_at = utcnow()
    challenge.state = ChallengeState.CLOSED
    challenge.closed_at = utcnow()
    review_ops.open_bids(challenge, actor=bureau)
    review_ops.review_bid(bid, actor=bureau, is_complete=True, is_eligible=True,
                          is_passed=True, reason=None)
    make.award(challenge, [bid], bureau=bureau)
    (project,) = ops.approve_projects(challenge, actor=bureau)
    ops.upload_agreement(project, BytesIO(PDF), "协议.pdf", actor=applicant)
    ops.sign_project(project, signed_on=local_today(), actor=bureau)
    save_expert_profile(expert, ExpertData(fields=[challenge.field]), actor=None)
    data = reporting.ReportData(progress="进展", spent_fen=100, values={k.id: (Decimal("31"), "") for k in project.kpis},
                                files=[FileStorage(stream=BytesIO(PDF), filename="检测报告.pdf")])
    report = reporting.submit_report(project.milestones[0], data, actor=applicant)
    (review,) = reporting.draw_report_panel(report, actor=bureau, size=1)
    db.session.commit()
    return {"project_id": project.id, "challenge_id": challenge.id, "milestone_id": project.milestones[1].id,
            "report_id": report.id, "file_id": report.attachments[0].id, "review_id": review.id}


TEAM = only({"applicant"})
VIEWERS = {"anonymous": 302, "admin": 200, "bureau": 200, "finance": 200, "expert": 404, "applicant": 200}
BUREAU = only({"bureau"})
BUREAU_FINANCE = only({"bureau", "finance"})
P = "/projects/{project_id}"
M = "/manage/projects"

ROUTES = [
    ("GET", "projects.index", "/projects/", TEAM),
    ("GET", "projects.detail", P, VIEWERS),
    ("GET", "projects.detail", "/projects/999999", {**VIEWERS, "admin": 404, "bureau": 404, "finance": 404,
                                                    "applicant": 404}),
    ("GET", "projects.agreement", P + "/agreement.pdf", VIEWERS),
    ("GET", "projects.report", P + "/milestones/{milestone_id}/report", TEAM),
    ("GET", "projects.report_detail", P + "/reports/{report_id}", VIEWERS),
    ("GET", "projects.report_file", P + "/reports/{report_id}/files/{file_id}", VIEWERS),
    ("GET", "projects.acceptance", P + "/acceptance", TEAM),
    ("GET", "projects.reviews", "/projects/reviews", only({"expert"})),
    ("GET", "projects.review", "/projects/reviews/{review_id}", only({"expert"})),
    ("GET", "project_manage.index", M + "/", BUREAU_FINANCE),
    ("GET", "project_manage.approval", M + "/challenge/{challenge_id}", BUREAU),
    ("GET", "project_manage.detail", M + "/{project_id}", BUREAU_FINANCE),
    ("GET", "project_manage.report", M + "/reports/{report_id}", BUREAU),
    ("GET", "project_manage.race", M + "/race/{challenge_id}", BUREAU),
    ("GET", "project_manage.acceptance", M + "/{project_id}/acceptance", only({"bureau"}, ok=404)),
    ("GET", "project_manage.end", M + "/{project_id}/end", BUREAU),
    ("POST", "projects.upload_agreement", P + "/agreement", only({"applicant"}, ok=400)),
    ("POST", "projects.report", P + "/milestones/{milestone_id}/report", only({"applicant"}, ok=400)),
    ("POST", "projects.request_extension", P + "/extension", only({"applicant"}, ok=400)),
    ("POST", "projects.acceptance", P + "/acceptance", only({"applicant"}, ok=400)),
    ("POST", "projects.review", "/projects/reviews/{review_id}", only({"expert"}, ok=400)),
    ("POST", "projects.recuse", "/projects/reviews/{review_id}/recuse", only({"expert"}, ok=400)),
    ("POST", "project_manage.approve", M + "/challenge/{challenge_id}/approve", only({"bureau"}, ok=409)),
    ("POST", "project_manage.sign", M + "/{project_id}/sign", only({"bureau"}, ok=400)),
    ("POST", "project_manage.decide_extension", M + "/{project_id}/extension", only({"bureau"}, ok=404)),
    ("POST", "project_manage.draw_panel", M + "/reports/{report_id}/panel", only({"bureau"}, ok=409)),
    ("POST", "project_manage.decide_report", M + "/reports/{report_id}/decide", only({"bureau"}, ok=400)),
    ("POST", "project_manage.race", M + "/race/{challenge_id}", only({"bureau"}, ok=409)),
    ("POST", "project_manage.acceptance_panel", M + "/{project_id}/acceptance/panel", only({"bureau"}, ok=404)),
    ("POST", "project_manage.decide_acceptance", M + "/{project_id}/acceptance/decide", only({"bureau"}, ok=404)),
    ("POST", "project_manage.terminate", M + "/{project_id}/terminate", only({"bureau"}, ok=400)),
    ("POST", "project_manage.revoke", M + "/{project_id}/revoke", only({"bureau"}, ok=400)),
]
