"""A document issued as the first write of a request that then fails is not kept
(SQLite: a SAVEPOINT without an outer BEGIN would commit on its own release)."""
from __future__ import annotations

import pytest

from app.core.uow import unit_of_work
from app.documents.models import IssuedDocument
from app.extensions import db
from app.documents.operations import issue_document
from tests.documents.helpers import notice_context


class Boom(Exception):
    pass


def test_a_failure_after_issuing_rolls_the_document_back(app):
    db.session.commit()  # nothing open: the savepoint is the transaction's first write
    with pytest.raises(Boom):
        with unit_of_work():
            issue_document("notice", notice_context(), addressee="各县（市）区科技主管部门", actor=None)
            raise Boom()
    db.session.remove()
    assert db.session.scalar(db.select(db.func.count(IssuedDocument.id))) == 0
