"""Command-line interface: ``flask --app wsgi demo seed``, ``users create`` ..."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from .core.uow import unit_of_work


def register_cli(app: Flask) -> None:
    demo = AppGroup("demo", help="演示数据 / demo data")
    users = AppGroup("users", help="用户管理 / user accounts")

    @demo.command("seed")
    def demo_seed():
        """Load demo organisations, users (and each domain's demo records). Idempotent."""
        from .core import demo as demo_module

        demo_module.run_all(echo=click.echo)
        click.echo("演示数据已就绪。")

    @users.command("create")
    @click.option("--role", required=True, type=click.Choice(["admin", "bureau", "finance", "expert", "applicant"]))
    @click.option("--email", required=True)
    @click.option("--password", required=True)
    @click.option("--name", default=None)
    @click.option("--organisation", "organisation", default=None, help="单位名称或统一社会信用代码")
    def users_create(role, email, password, name, organisation):
        """Create a user account."""
        from .auth.models import Organisation, Role
        from .auth.operations import AccountError, create_user

        org = None
        if organisation:
            org = (Organisation.query.filter_by(credit_code=organisation.upper()).first()
                   or Organisation.query.filter_by(name=organisation).first())
            if org is None:
                raise click.ClickException(f"找不到单位：{organisation}")
        try:
            with unit_of_work():
                user = create_user(email=email, name=name or email.split("@")[0], role=Role(role),
                                   password=password, organisation=org)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"已创建用户 {user.email}（{user.role.label}）")

    @users.command("set-password")
    @click.option("--email", required=True)
    @click.option("--password", required=True)
    def users_set_password(email, password):
        """Reset a user's password (administrator recovery)."""
        from .auth.models import User
        from .auth.operations import AccountError, reset_password
        from .auth.rules import normalise_email

        user = User.query.filter_by(email=normalise_email(email)).first()
        if user is None:
            raise click.ClickException(f"找不到用户：{email}")
        try:
            with unit_of_work():
                reset_password(user, password, actor=None, reason="CLI")
        except AccountError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo("密码已重置")

    app.cli.add_command(demo)
    app.cli.add_command(users)

    jobs = AppGroup("jobs", help="定时任务 / scheduled jobs")
    audit = AppGroup("audit", help="审计链 / audit chain")

    @jobs.command("run")
    @click.option("--only", multiple=True, help="只运行指定任务（可重复）")
    def jobs_run(only):
        """Run every scheduled job once (safe every minute from cron)."""
        from .core.jobs import run_jobs

        results = run_jobs(only=list(only) or None)
        if results is None:
            click.echo("另一个 jobs run 正在运行，本次跳过。")
            return
        for name, summary in results.items():
            click.echo(f"{name}: {summary}")
        if any("error" in (s or {}) for s in results.values()):
            raise SystemExit(1)

    @jobs.command("list")
    def jobs_list():
        """List the registered jobs in the order they run."""
        from .core.jobs import registered_jobs

        for job in registered_jobs():
            click.echo(job.name)

    @audit.command("verify")
    def audit_verify():
        """Recompute the audit hash chain; name the first broken event."""
        from .core.audit import chain_head, verify_chain

        checked, problem = verify_chain()
        if problem is not None:
            click.echo(f"审计链校验失败：高度 {problem.height}（事件 id {problem.event_id}）：{problem.reason}；"
                       f"此前 {checked} 条事件完好。", err=True)
            raise SystemExit(1)
        head = chain_head()
        click.echo(f"审计链完好：{checked} 条事件，链头高度 {head.height}，哈希 {head.hash}")

    app.cli.add_command(jobs)
    app.cli.add_command(audit)

    from .challenges.cli import register_cli as register_challenges_cli

    register_challenges_cli(app)

    from .projects.cli import register_cli as register_projects_cli

    register_projects_cli(app)

    from .documents.cli import register_documents_cli

    register_documents_cli(app)

    from .bids.cli import register_cli as register_bids_cli

    register_bids_cli(app)

    from .reviews.cli import register_cli as register_reviews_cli

    register_reviews_cli(app)
