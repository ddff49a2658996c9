"""50 simultaneous issues: numbers 1..50, no duplicate, no gap (SQLite and PostgreSQL)."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from app.core.timeutil import local_today
from app.documents.models import IssuedDocument
from app.documents.operations import issue_document
from app.extensions import db

from .helpers import notice_context

N = 50


def test_fifty_concurrent_issues_get_numbers_one_to_fifty(app):
    barrier = threading.Barrier(N)
    numbers, errors = [], []

    def worker(i):
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                if db.engine.dialect.name == "sqlite":
                    # 50 writers queue for SQLite's single write lock while each renders
                    # (~0.15 s): allow more than the default 10 s wait.
                    db.session.execute(sa.text("PRAGMA busy_timeout = 120000"))
                doc = issue_document("notice", notice_context(f"关于第{i}号事项的通知"), actor=None)
                db.session.commit()
                numbers.append(doc.number)
            except Exception as exc:  # collected and reported below
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(1, N + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors[:3]
    year = local_today().year
    assert sorted(numbers) == sorted(f"焦科〔{year}〕{n}号" for n in range(1, N + 1))
    seqs = db.session.scalars(sa.select(IssuedDocument.seq).order_by(IssuedDocument.seq)).all()
    assert seqs == list(range(1, N + 1))
