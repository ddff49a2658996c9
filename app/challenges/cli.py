"""Challenge commands and scheduled jobs.

``flask --app wsgi challenges close-due`` closes challenges whose bid deadline
passed; ``jobs run`` does the same every minute (job ``challenges.close_due``).
"""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup


def close_due_job(now):
    from .operations import close_due_challenges

    return {"closed": len(close_due_challenges(now))}


def register_cli(app: Flask) -> None:
    from ..core.jobs import register_job

    register_job("challenges.close_due", close_due_job, order=10)
    group = AppGroup("challenges", help="榜单 / challenges")

    @group.command("close-due")
    def close_due():
        """Close every published challenge past its deadline (idempotent; run from cron)."""
        from ..core.timeutil import format_local
        from ..core.uow import unit_of_work
        from .operations import close_due_challenges

        with unit_of_work():
            closed = close_due_challenges()
            lines = [f"已截止：#{c.id} {c.title}（截止时间 {format_local(c.bid_deadline_at)}）" for c in closed]
        for line in lines:
            click.echo(line)
        click.echo(f"本次截止 {len(lines)} 个榜单。")

    app.cli.add_command(group)
