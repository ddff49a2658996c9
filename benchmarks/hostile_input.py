"""How fast hostile numbers and NUL bytes are refused (the figures behind the 400s).

    .venv/bin/python benchmarks/hostile_input.py

Builds the app on a scratch SQLite database, then times each hostile value on the
public challenge search and on the bureau's new-challenge form (a logged-in POST
through the whole stack: CSRF, unit of work, form parsing). Prints the median and the
worst of 20 requests per value. Loopback only, in-process, bounded in time.
"""
from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("APP_ENV", "testing")

from app import create_app  # noqa: E402
from app.auth.models import Role  # noqa: E402
from app.extensions import db  # noqa: E402

HOSTILE = ["1e999999", "1e30", "1e18", "-1", "NaN", "sNaN", "Infinity", "\x00", "0001-01-01"]
ROUNDS = 20


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="jiebang-hostile-"))
    app = create_app(config_name="testing", overrides={
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'db.sqlite3'}",
        "UPLOAD_FOLDER": str(tmp / "uploads"), "DOCUMENT_STORE": str(tmp / "documents"), "LOG_LEVEL": "WARNING"})
    with app.app_context():
        db.create_all()
        from tests.factories import Factories

        bureau = Factories().user(role=Role.BUREAU)
        email = bureau.email
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"email": email, "password": "Passw0rd-123", "csrf_token": token})
    page = client.get("/manage/challenges/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    print(f"{'value':>12}  {'GET /challenges?support_min=':>30}  {'POST /manage/challenges/new (slots)':>36}")
    for value in HOSTILE:
        gets, posts = [], []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            r = client.get("/challenges", query_string={"support_min": value})
            gets.append((time.perf_counter() - started) * 1000)
            assert r.status_code in (400,), r.status_code
            started = time.perf_counter()
            r = client.post("/manage/challenges/new", data={"csrf_token": token, "title": "x", "slots": value})
            posts.append((time.perf_counter() - started) * 1000)
            assert r.status_code == 400, r.status_code
        print(f"{value!r:>12}  {statistics.median(gets):>12.1f} ms median {max(gets):>6.1f} max"
              f"  {statistics.median(posts):>14.1f} ms median {max(posts):>6.1f} max")


if __name__ == "__main__":
    main()
