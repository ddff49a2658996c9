"""Access matrix of the holiday-calendar admin pages (see tests/access.py)."""
from datetime import date

from tests.access import only


def setup(make, users):
    from app.core import calendar_operations as ops
    from app.core.calendar_models import DayKind
    from app.core.calendar_rules import DayEntry
    from app.extensions import db

    # Idempotent: some tests (tests/bids/test_seal.py) call every domain's setup repeatedly.
    row = ops._existing(date(2027, 1, 1))
    if row is None:
        row = ops.add_day(DayEntry(date(2027, 1, 1), DayKind.HOLIDAY, "元旦"), actor=users["admin"])
        db.session.commit()
    return {"day_id": row.id}


ROUTES = [
    ("GET", "calendar.index", "/admin/calendar", only({"admin"})),
    ("GET", "calendar.index", "/admin/calendar?year=1e999999", only({"admin"}, ok=400)),
    ("GET", "calendar.example_csv", "/admin/calendar/example.csv", only({"admin"})),
    ("GET", "calendar.year", "/admin/calendar/2027", only({"admin"})),
    ("GET", "calendar.year", "/admin/calendar/1999", only({"admin"}, ok=404)),
    ("GET", "calendar.year", "/admin/calendar/99999999999999999999", {"anonymous": 404, "admin": 404, "bureau": 404,
                                                                      "finance": 404, "expert": 404, "applicant": 404}),
    ("POST", "calendar.add_day", "/admin/calendar/2027/days", only({"admin"}, ok=400)),
    # An empty form with a valid CSRF token is a complete delete request: the admin's succeeds.
    ("POST", "calendar.remove_day", "/admin/calendar/2027/days/{day_id}/delete", only({"admin"}, ok=302)),
    ("POST", "calendar.remove_day", "/admin/calendar/2028/days/{day_id}/delete", only({"admin"}, ok=404)),
    ("POST", "calendar.complete", "/admin/calendar/2027/complete", only({"admin"}, ok=400)),
    ("POST", "calendar.reopen", "/admin/calendar/2027/reopen", only({"admin"}, ok=400)),
    ("POST", "calendar.import_csv", "/admin/calendar/import", only({"admin"}, ok=400)),
]
