"""The access matrix: every route x every role -> expected HTTP status.

Each domain keeps its part in ``tests/<domain>/access.py`` with:

    def setup(make, users) -> dict:
        # create the objects the URLs need; ``users`` maps role -> User
        return {"org_id": make.org().id}

    ROUTES = [
        # (method, endpoint, url template, {role: status}), roles as in ROLES
        ("GET", "admin.organisation", "/admin/organisations/{org_id}",
         {"anonymous": 302, "admin": 200, "bureau": 403, ...}),
    ]

``tests/test_access_matrix.py`` collects every domain's ROUTES, checks that every
rule in the app's URL map is listed (a new route without an entry fails the
suite), and requests each URL as each role. POST requests carry a valid CSRF
token and an empty form, so the right role typically gets 400 (form invalid)
and nothing changes. Statuses may be a single int or a set of allowed ints.

A module's rows share one set-up (its objects, one logged-in client per role): GET
rows run first, then POST rows in the order listed, so a POST that succeeds (302)
and changes state must come after the rows that expect the state before it.
"""
from __future__ import annotations

ROLES = ("anonymous", "admin", "bureau", "finance", "expert", "applicant")

# Convenience rows
PUBLIC = {r: 200 for r in ROLES}
LOGIN_ANY = {"anonymous": 302, **{r: 200 for r in ROLES[1:]}}


def only(roles, ok=200, anonymous=302, others=403):
    """Expect ``ok`` for ``roles``, ``others`` for the rest, ``anonymous`` when logged out."""
    roles = set(roles)
    return {r: (anonymous if r == "anonymous" else ok if r in roles else others) for r in ROLES}
