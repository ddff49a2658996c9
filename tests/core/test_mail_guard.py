"""The autouse fixture refuses real outbound mail."""
from __future__ import annotations

import smtplib

import pytest

from tests.conftest import OutboundMailRefused


@pytest.mark.parametrize("factory", ["SMTP", "SMTP_SSL", "LMTP"])
def test_opening_an_smtp_connection_fails_the_test(factory):
    with pytest.raises(OutboundMailRefused):
        getattr(smtplib, factory)("mail.example.cn", 25)
