"""Nightly export of orders for the old ERP's import folder (fixed-width text)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sample_service import db


def export_orders(conn: sqlite3.Connection, target: Path) -> int:
    """Write one fixed-width record per order; returns how many were written."""
    orders = db.list_orders(conn)
    with open(target, "w", encoding="ascii") as out:
        out.writelines(
            f"{order.id:>10}{order.customer_id:>10}{order.created_at:%Y%m%d}{order.total:>12.2f}\n"
            for order in orders
        )
    return len(orders)
