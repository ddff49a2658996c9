"""Review commands and scheduled jobs.

``flask --app wsgi reviews replay-draw <draw id>`` recomputes a recorded draw from
its seed, pool and exclusions and says whether the panel is identical;
``jobs run`` sends the scoring reminders (job ``reviews.remind``).
"""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup


def remind_job(now):
    from .jobs import remind_experts

    return remind_experts(now)


def register_cli(app: Flask) -> None:
    from ..core.jobs import register_job

    register_job("reviews.remind", remind_job, order=20)
    group = AppGroup("reviews", help="专家评审 / expert review")

    @group.command("replay-draw")
    @click.argument("draw_id", type=click.IntRange(1, 2**62))
    def replay_draw_command(draw_id):
        """Recompute a recorded expert draw and compare it with the recorded panel."""
        from ..extensions import db
        from .models import ReviewDraw
        from .operations import replay_draw

        draw = db.session.get(ReviewDraw, draw_id)
        if draw is None:
            raise click.ClickException(f"抽取记录 {draw_id} 不存在")
        replay = replay_draw(draw)
        click.echo(f"种子：{draw.seed}")
        click.echo(f"候选顺序：{', '.join(map(str, replay.order))}")
        click.echo(f"排除：{', '.join(str(e['id']) for e in draw.exclusions) or '无'}")
        click.echo(f"记录的专家：{', '.join(map(str, replay.recorded))}")
        click.echo(f"重算的专家：{', '.join(map(str, replay.panel))}")
        if not replay.identical:
            raise click.ClickException("不一致：重算结果与记录不同")
        click.echo("一致（identical）")

    app.cli.add_command(group)
