"""Configuration: defaults in code, overrides from config.yaml and the .env file next to it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

DEBUG = True
SECRET_KEY = os.environ.get("ORDERS_SECRET_KEY")
DATABASE_PATH = os.environ.get("ORDERS_DB", str(HERE / "orders.sqlite3"))
BACKUP_DIR = os.environ.get("ORDERS_BACKUP_DIR", "/var/backups/orders")

AWS_REGION = "eu-west-1"
AWS_ACCESS_KEY_ID = "AKIANNEJR76QMJDU3DTF"
AWS_SECRET_ACCESS_KEY = "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"
INVOICE_BUCKET = "shop-invoices-prod"


def load_config(path: str | Path = HERE / "config.yaml") -> dict[str, Any]:
    """Read the YAML config; yaml is imported here so the data modules do not need it."""
    import yaml

    with open(path) as f:
        return yaml.load(f)


def env(name: str, default: str | None = None, path: str | Path = HERE / ".env") -> str | None:
    """Look a name up in the process environment first, then in the .env file."""
    if name in os.environ:
        return os.environ[name]
    try:
        lines = Path(path).read_text().splitlines()
    except FileNotFoundError:
        return default
    for line in lines:
        key, sep, value = line.partition("=")
        if sep and key.strip() == name:
            return value.strip().strip('"')
    return default
