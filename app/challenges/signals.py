"""Signals other domains subscribe to, so this package never imports them.

Each is sent inside the operation, before the request commits, so a receiver's
changes land in the same transaction (and roll back with it).

* ``challenge_published.send(challenge, publication=...)``
* ``challenge_amended.send(challenge, amendment=...)`` — bids set every submitted
  bid of the challenge to "needs re-confirmation".
* ``challenge_closed.send(challenge)`` — the bid deadline has passed (sent once).
* ``challenge_cancelled.send(challenge, reason=...)``
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

challenge_published = _signals.signal("challenge-published")
challenge_amended = _signals.signal("challenge-amended")
challenge_closed = _signals.signal("challenge-closed")
challenge_cancelled = _signals.signal("challenge-cancelled")
