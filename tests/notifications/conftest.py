"""A real SMTP server on loopback (aiosmtpd) for the mail tests.

The autouse ``no_outbound_mail`` fixture (tests/conftest.py) replaces ``smtplib.SMTP``
with a function that fails the test. ``mail_server`` puts the real class back for
127.0.0.1 only (any other host still fails the test), starts an aiosmtpd server on a
free loopback port and points ``MAIL_SERVER`` / ``MAIL_PORT`` at it.
``smtp_port`` gives the port without starting the server ("SMTP is down").
"""
from __future__ import annotations

import email
import email.policy
import smtplib
import socket
import threading

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import OutboundMailRefused

ORIGINAL_SMTP = smtplib.SMTP  # captured at import time, before any fixture patched it
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


class Received:
    """One message the server accepted: envelope and parsed MIME message."""

    def __init__(self, envelope):
        self.mail_from = envelope.mail_from
        self.rcpt_tos = list(envelope.rcpt_tos)
        self.message = email.message_from_bytes(envelope.original_content or envelope.content,
                                                policy=email.policy.default)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return body.get_content()


class Inbox:
    """What the loopback server received (appended from the server's thread)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.messages: list[Received] = []

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.messages.append(Received(envelope))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        with self._lock:
            return [m for m in self.messages if address in m.rcpt_tos]

    def __len__(self):
        with self._lock:
            return len(self.messages)


class LoopbackServer:
    def __init__(self, port: int):
        self.port = port
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> "LoopbackServer":
        self._controller = Controller(self.inbox, hostname=LOOPBACK, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def loopback_smtp_allowed(monkeypatch, no_outbound_mail):
    """Undo ``no_outbound_mail`` for 127.0.0.1 only."""

    def loopback_only(host="", port=0, *args, **kwargs):
        if host != LOOPBACK:
            raise OutboundMailRefused(f"tests may only send mail to {LOOPBACK}, not {host!r}")
        return ORIGINAL_SMTP(host, port, *args, **kwargs)

    monkeypatch.setattr(smtplib, "SMTP", loopback_only)


@pytest.fixture
def smtp_port(app, monkeypatch, loopback_smtp_allowed):
    """Mail configured for a loopback port where nothing listens yet."""
    port = free_port()
    monkeypatch.setitem(app.config, "MAIL_SERVER", LOOPBACK)
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "noreply@jiebang.test")
    return port


@pytest.fixture
def smtp_server(smtp_port):
    """A started server; ``server.stop()`` may be called early, the fixture stops it anyway."""
    server = LoopbackServer(smtp_port)
    yield server
    server.stop()


@pytest.fixture
def mail_server(smtp_server):
    """A running loopback SMTP server (``mail_server.inbox`` holds what it received)."""
    return smtp_server.start()
