"""One real call to the Anthropic API, when a key is given for it and the network is up; skipped otherwise.

The key comes from BUMBA_LIVE_API_KEY, not ANTHROPIC_API_KEY: every other test clears ANTHROPIC_*, and a live
call should be asked for, never made because a developer happens to have a key in their shell.
"""

from __future__ import annotations

import os
import socket

import pytest

from bumba_magics.review import review

pytestmark = pytest.mark.live


def _network() -> bool:
    try:
        socket.create_connection(("api.anthropic.com", 443), timeout=3).close()
    except OSError:
        return False
    return True


@pytest.fixture
def live_key():
    key = os.environ.get("BUMBA_LIVE_API_KEY")
    if not key:
        pytest.skip("set BUMBA_LIVE_API_KEY to run the live call")
    if not _network():
        pytest.skip("api.anthropic.com is not reachable")
    return key


def test_one_real_hybrid_review(live_key, tmp_path):
    (tmp_path / "db.py").write_text(
        "def find(conn, name):\n    return conn.execute(\"SELECT * FROM users WHERE name = '%s'\" % name)\n")
    report = review("scan", str(tmp_path), overrides={"engine": "claude", "api_key": live_key, "model": "haiku",
                                                       "max_turns": 3, "max_cost": 0.05})
    assert "agent error" not in report.metrics, report.metrics
    assert report.run.engines == ["offline", "claude"]
    assert report.metrics["tokens out"] > 0 and report.narrative
