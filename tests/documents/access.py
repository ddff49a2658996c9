from tests.access import PUBLIC, ROLES, only

from .helpers import issue_notice, issue_publication

STAFF = {"admin", "bureau", "finance"}


def setup(make, users):
    notice = issue_notice(actor=users["bureau"])
    public = issue_publication(actor=users["bureau"], rows=1)
    return {"notice_id": notice.id, "public_id": public.id, "code": notice.verify_code}


ROUTES = [
    ("GET", "documents.index", "/documents/", only(STAFF)),
    # not allowed looks exactly like missing (404, no oracle); logged out: log in first
    ("GET", "documents.download", "/documents/{notice_id}/download", only(STAFF, others=404)),
    ("GET", "documents.download", "/documents/{public_id}/download", PUBLIC),
    ("GET", "documents.download", "/documents/999999/download", only(set(ROLES), ok=404)),
    ("POST", "documents.download_zip", "/documents/zip", only(STAFF, ok=400)),
    ("GET", "documents.verify", "/verify", PUBLIC),
    ("POST", "documents.verify", "/verify", {r: 400 for r in ROLES}),
    ("GET", "documents.verify_code", "/verify/{code}", PUBLIC),
    ("GET", "documents.verify_code", "/verify/no-such-code", {r: 404 for r in ROLES}),
]
