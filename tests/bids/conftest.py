"""Fixtures for bid tests: a published challenge, applicants of different kinds."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.auth.models import OrgType, Role
from app.core.timeutil import frozen_time, utcnow
from tests.conftest import Browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 16
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture
def challenge(make):
    return make.challenge(state="published")


@pytest.fixture
def applicant(make):
    """An applicant user of a university (lead unit, 1:1 ratio)."""
    return make.user(role=Role.APPLICANT, organisation=make.org(org_type=OrgType.UNIVERSITY))


def logged_in(app, user) -> Browser:
    b = Browser(app.test_client())
    b.login(user)
    b.user = user
    return b


@pytest.fixture
def as_user(app):
    return lambda user: logged_in(app, user)


def after_deadline(challenge, seconds: int = 1):
    """``frozen_time`` at ``seconds`` after the challenge's deadline."""
    return frozen_time(challenge.bid_deadline_at + timedelta(seconds=seconds))


def before_deadline(challenge, seconds: int = 1):
    return frozen_time(challenge.bid_deadline_at - timedelta(seconds=seconds))


__all__ = ["PDF", "PNG", "EXE", "after_deadline", "before_deadline", "utcnow"]
