"""Scheduled jobs of projects: reminders of milestone reports (due in 7 days, due
today, overdue) and of acceptance materials (due, overdue). Each reminder is sent
once: a ``project_reminders`` row with a unique key records it, so ``jobs run`` every
minute never repeats one (and a concurrent run loses on the UNIQUE constraint)."""
from __future__ import annotations

from flask import Flask


def remind_job(now):
    from .reminders import send_reminders

    return send_reminders(now)


def register_cli(app: Flask) -> None:
    from ..core.jobs import register_job

    register_job("projects.reminders", remind_job, order=40)
