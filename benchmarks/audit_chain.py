"""Audit chain: how fast events are appended and the whole chain verified.

    .venv/bin/python benchmarks/audit_chain.py [DATABASE_URL]

Appends 20,000 events (100 per transaction) to a scratch database (SQLite by default,
or the PostgreSQL URL given), then runs verify_chain over all of them. The database
is created and dropped by the script.
"""
import os
import sys
import tempfile
import time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["APP_ENV"] = "testing"

from app import create_app
from app.extensions import db
from app.core.audit import append_event, verify_chain
from app.core.uow import unit_of_work
tmp = Path(tempfile.mkdtemp())
url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tmp/'c.sqlite3'}"
app = create_app(config_name="testing", overrides={"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_FOLDER": str(tmp), "DOCUMENT_STORE": str(tmp), "LOG_LEVEL": "WARNING"})
N = 20000
with app.app_context():
    db.drop_all(); db.create_all()
    t = time.perf_counter()
    for batch in range(N // 100):
        with unit_of_work():
            for i in range(100):
                append_event("bench", i, "note", data={"i": i})
    w = time.perf_counter() - t
    t = time.perf_counter()
    checked, problem = verify_chain()
    v = time.perf_counter() - t
    print(f"{url.split(':')[0]}: append {N} events in {w:.1f} s ({w/N*1000:.2f} ms each, 100 per transaction); verify {checked} in {v:.1f} s; problem={problem}")
    db.session.remove(); db.drop_all()
