"""``flask --app wsgi challenges close-due``: close challenges whose bid deadline passed."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup


def register_cli(app: Flask) -> None:
    group = AppGroup("challenges", help="榜单 / challenges")

    @group.command("close-due")
    def close_due():
        """Close every published challenge past its deadline (idempotent; run from cron)."""
        from ..core.timeutil import format_local
        from ..extensions import db
        from .operations import close_due_challenges

        closed = close_due_challenges()
        db.session.commit()
        for c in closed:
            click.echo(f"已截止：#{c.id} {c.title}（截止时间 {format_local(c.bid_deadline_at)}）")
        click.echo(f"本次截止 {len(closed)} 个榜单。")

    app.cli.add_command(group)
