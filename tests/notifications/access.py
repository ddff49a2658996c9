from app.extensions import db
from app.notifications.models import Notification
from tests.access import LOGIN_ANY, ROLES, only


def setup(make, users):
    # A notification of the applicant: everybody else gets 404 for it.
    n = Notification(user_id=users["applicant"].id, kind="demand.accepted", category="demands",
                     title="t", body="b", link="/")
    db.session.add(n)
    db.session.commit()
    return {"notification_id": n.id}


LOGIN_400 = {"anonymous": 302, **{r: 400 for r in ROLES[1:]}}

ROUTES = [
    ("GET", "notifications.index", "/notifications/", LOGIN_ANY),
    ("POST", "notifications.read", "/notifications/{notification_id}/read",
     {"anonymous": 302, "admin": 404, "bureau": 404, "finance": 404, "expert": 404, "applicant": 302}),
    ("POST", "notifications.read_all", "/notifications/read-all",
     {"anonymous": 302, **{r: 302 for r in ROLES[1:]}}),
    ("GET", "notifications.settings", "/notifications/settings", LOGIN_ANY),
    ("POST", "notifications.settings", "/notifications/settings", LOGIN_400),
    ("POST", "notifications.follows", "/notifications/follows", only({"applicant"}, ok=302)),
]
