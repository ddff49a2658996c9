"""Signals finance (issue 13) subscribes to, so this package never imports finance.

Each is sent inside the operation, before the request commits, so a receiver's
changes land in the same transaction (and roll back with it).

* ``project_signed.send(project)`` — the agreement is signed; the first tranche's
  condition is met. ``project.milestones[*].tranche_percent`` (from the bid's plan,
  summing to 100) is the schedule to build.
* ``milestone_passed.send(milestone)`` — the bureau passed a milestone report.
* ``project_accepted.send(project)`` — final acceptance passed.
* ``project_ended.send(project, reason=...)`` — ``reason`` is "eliminated",
  "terminated" or "revoked": finance cancels the project's unpaid tranches (rule 16;
  ``project.is_payable`` is False from now on).
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

project_signed = _signals.signal("project-signed")
milestone_passed = _signals.signal("milestone-passed")
project_accepted = _signals.signal("project-accepted")
project_ended = _signals.signal("project-ended")

END_REASONS = ("eliminated", "terminated", "revoked")
