"""Login throttling per (account, client address), with growing delays.

A limit per account alone lets anyone keep a competitor out before a deadline by
typing wrong passwords for them; a limit per address alone, behind a reverse proxy
that is not configured (``PROXY_COUNT``), locks out everybody at once. So failures
count per (e-mail, address): after ``LOGIN_FREE_ATTEMPTS`` failures that pair waits
1, 2, 4 … minutes (at most ``LOGIN_MAX_DELAY`` seconds) between attempts, while the
same account from elsewhere and other accounts from the same address are unaffected.
A success clears the pair. Counters live in the rate-limit storage (Redis in
production), so every worker and instance sees the same numbers. The per-address
limit of Flask-Limiter (``LOGIN_RATE_LIMIT_PER_IP``) still caps guessing across
many accounts.
"""
from __future__ import annotations

import hashlib
import math
import time

from flask import current_app, request

from ..extensions import limiter
from .rules import normalise_email

FAILURE_WINDOW = 24 * 3600  # failures are forgotten a day after the first one


def _pair(email: str) -> str:
    raw = f"{normalise_email(email or '')}|{request.remote_addr or ''}"
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()[:32]


def _storage():
    return limiter.storage


def delay_after(failures: int) -> int:
    """Seconds to wait after ``failures`` consecutive failures (0 while still free)."""
    free = current_app.config["LOGIN_FREE_ATTEMPTS"]
    if failures < free:
        return 0
    step = min(failures - free, 20)
    return min(60 * 2**step, current_app.config["LOGIN_MAX_DELAY"])


def _keys(pair: str, failures: int) -> tuple[str, str]:
    return f"jiebang-login-fail:{pair}", f"jiebang-login-lock:{pair}:{failures}"


def seconds_to_wait(email: str) -> int:
    """How long this (account, address) must still wait; 0 = may try now."""
    pair = _pair(email)
    fail_key, _lock = _keys(pair, 0)
    failures = _storage().get(fail_key)
    if not delay_after(failures):
        return 0
    _fail, lock_key = _keys(pair, failures)
    if not _storage().get(lock_key):
        return 0
    return max(1, math.ceil(_storage().get_expiry(lock_key) - time.time()))


def record_failure(email: str) -> int:
    """Count a failed attempt; returns the delay it starts (0 if none)."""
    pair = _pair(email)
    fail_key, _lock = _keys(pair, 0)
    failures = _storage().incr(fail_key, FAILURE_WINDOW)
    delay = delay_after(failures)
    if delay:
        _fail, lock_key = _keys(pair, failures)
        _storage().incr(lock_key, delay)
    return delay


def record_success(email: str) -> None:
    pair = _pair(email)
    fail_key, _lock = _keys(pair, 0)
    failures = _storage().get(fail_key)
    _storage().clear(fail_key)
    if failures:
        _storage().clear(_keys(pair, failures)[1])


def wait_text(seconds: int) -> str:
    """'请 5 分钟后再试' / '请 30 秒后再试'."""
    from flask_babel import gettext as _

    if seconds < 60:
        return _("请 %(n)s 秒后再试", n=max(1, int(seconds)))
    return _("请 %(n)s 分钟后再试", n=math.ceil(seconds / 60))
