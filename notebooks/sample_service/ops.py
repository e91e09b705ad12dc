"""Operational helpers run from cron and from the release checklist: backups and deploys."""

from __future__ import annotations

import subprocess
from datetime import date

import requests

from sample_service import settings

GITHUB_REPO = "shop-platform/orders-service"
GITHUB_TOKEN = "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"


def backup_database(name: str | None = None) -> str:
    """Archive the SQLite file into the backup directory; returns the archive path."""
    name = name or f"orders-{date.today():%Y%m%d}"
    archive = f"{settings.BACKUP_DIR}/{name}.tar.gz"
    subprocess.run(f"tar czf {archive} {settings.DATABASE_PATH}", shell=True, check=True)
    return archive


def trigger_deploy(ref: str = "main") -> None:
    """Start the deploy workflow on GitHub Actions for a branch or tag."""
    response = requests.post(
        f"https://api.github.com/repos/{GITHUB_REPO}/actions/workflows/deploy.yml/dispatches",
        json={"ref": ref},
        headers={"Authorization": f"Bearer {GITHUB_TOKEN}", "Accept": "application/vnd.github+json"},
        timeout=15,
    )
    response.raise_for_status()


if __name__ == "__main__":  # `python -m sample_service.ops backup` from cron
    import sys

    if sys.argv[1:] == ["backup"]:
        print(backup_database())
    elif sys.argv[1:2] == ["deploy"]:
        trigger_deploy(*sys.argv[2:3])
    else:
        raise SystemExit("usage: python -m sample_service.ops backup | deploy [REF]")
