"""The whole demo seed (every domain's steps, as `make run` loads it) leaves an audit
chain that `audit verify` accepts, and a second run adds nothing to it."""
from __future__ import annotations

from app.core import demo as core_demo
from app.core.audit import chain_head, verify_chain


def test_demo_seed_leaves_a_valid_chain_and_is_idempotent(app):
    core_demo.run_all(echo=lambda *_a: None)
    checked, problem = verify_chain()
    assert problem is None and checked == chain_head().height > 50
    height = chain_head().height
    core_demo.run_all(echo=lambda *_a: None)
    assert verify_chain()[1] is None
    assert chain_head().height == height  # idempotent: nothing new happened, nothing recorded
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and f"链头高度 {height}" in result.output
