"""A folder scan started through the Jupyter server reads nothing outside the folder: a link to
/etc/passwd inside it never reaches a finding, and a named pipe in it does not hang the server's worker."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import pytest
from jupyter_core.utils import ensure_event_loop

# imported, not loaded as a plugin: see test_server_api.py for why
from pytest_jupyter.jupyter_server import *

del pytest_pycollect_makeitem, pytest_pyfunc_call  # noqa: F821 — hooks; only a plugin may have them

PASSWD = Path("/etc/passwd")


def in_loop(test):
    @functools.wraps(test)
    def run(*args, **kwargs):
        return ensure_event_loop(prefer_selector_loop=True).run_until_complete(test(*args, **kwargs))

    return run


@pytest.fixture
def jp_server_config():
    return {"ServerApp": {"jpserver_extensions": {"bumba_magics.server": True}}}


async def post_and_finish(jp_fetch, body: dict) -> dict:
    response = await jp_fetch("bumba", "api", "runs", method="POST", body=json.dumps(body))
    job = json.loads(response.body)["job"]
    events = await jp_fetch("bumba", "api", "jobs", job["id"], "events", request_timeout=120)
    final = [json.loads(line.removeprefix("data: ")) for line in events.body.decode().splitlines()
             if line.startswith("data: ")][-1]
    assert final["status"] == "done", final
    run = await jp_fetch("bumba", "api", "runs", final["run_id"])
    return json.loads(run.body)


@pytest.mark.skipif(not PASSWD.is_file(), reason="needs /etc/passwd")
@in_loop
async def test_a_folder_scan_never_shows_what_a_link_out_of_it_points_at(jp_fetch, jp_root_dir):
    first_line = PASSWD.read_text().splitlines()[0]
    sub = jp_root_dir / "sub"
    sub.mkdir()
    (sub / "db.py").write_text("def q(conn, name):\n    return conn.execute(\"SELECT '%s'\" % name)\n")
    (sub / "users.py").symlink_to(PASSWD)  # as python: a syntax error whose evidence was the first line
    (sub / "users.txt").symlink_to(PASSWD)
    (sub / ".env").symlink_to(PASSWD)
    os.mkfifo(sub / "pipe.py")
    run = await post_and_finish(jp_fetch, {"command": "scan", "path": "sub"})
    shown = json.dumps(run)
    assert first_line not in shown and "root:x:0:0" not in shown
    assert [f["location"]["path"] for f in run["report"]["findings"]] == ["db.py"]
    notes = run["report"]["notes"]
    assert "skipped users.py: link leads outside the review root" in notes
    assert "skipped pipe.py: a named pipe (FIFO), not a regular file" in notes
