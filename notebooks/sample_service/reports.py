"""Reports for the weekly ops review: revenue, customers, coupons, tax and exports."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pandas as pd

from sample_service import db
from sample_service.models import Order

TAX_RATES_PATH = Path(__file__).with_name("tax_rates.json")
COUPON_PATTERN = r"^(WELCOME10|VIP[A-Z0-9]{2,8}|FREESHIP)$"

LINES_QUERY = """
SELECT o.id AS order_id, o.customer_id, c.country, o.created_at, o.status, o.coupon,
       l.sku, l.qty, l.price
FROM orders o
JOIN order_lines l ON l.order_id = o.id
JOIN customers c ON c.id = o.customer_id
ORDER BY o.id
"""


def load_orders_frame(conn: sqlite3.Connection) -> pd.DataFrame:
    """One row per order line, with the customer's country."""
    return pd.read_sql_query(LINES_QUERY, conn, parse_dates=["created_at"])


def add_line_totals(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["line_total"] = frame.apply(lambda r: r.price * r.qty, axis=1)
    return frame


def order_values(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per order: number of items and value."""
    rows = []
    for _, r in frame.iterrows():
        rows.append({"order_id": r.order_id, "items": r.qty, "value": r.price * r.qty})
    return pd.DataFrame(rows).groupby("order_id", as_index=False).sum()


def revenue_by_customer(conn: sqlite3.Connection) -> pd.DataFrame:
    """Lifetime revenue per customer e-mail, best customers first."""
    totals: dict[str, float] = {}
    for order in db.list_orders(conn):
        customer = db.get_customer(conn, order.customer_id)
        totals[customer.email] = totals.get(customer.email, 0.0) + order.total
    ranked = sorted(totals.items(), key=lambda item: item[1], reverse=True)
    return pd.DataFrame(ranked, columns=["email", "revenue"])


def monthly_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Orders and revenue per calendar month."""
    summary = pd.DataFrame(columns=["month", "orders", "revenue"])
    for month, group in frame.groupby(frame["created_at"].dt.to_period("M")):
        row = pd.DataFrame(
            {"month": [str(month)], "orders": [group["order_id"].nunique()],
             "revenue": [round((group["price"] * group["qty"]).sum(), 2)]}
        )
        summary = pd.concat([summary, row], ignore_index=True)
    return summary


def coupon_usage(frame: pd.DataFrame) -> dict[str, int]:
    """How often each coupon was used; malformed codes are counted together as 'invalid'."""
    usage: dict[str, int] = {}
    for code in frame.drop_duplicates("order_id")["coupon"].dropna():
        pattern = re.compile(COUPON_PATTERN)
        key = code if pattern.match(code) else "invalid"
        usage[key] = usage.get(key, 0) + 1
    return usage


def retired_sku_revenue(frame: pd.DataFrame, retired: list[str]) -> float:
    """Revenue still coming from SKUs the buyers have retired (SKUs compare case-insensitively)."""
    retired_upper = [sku.upper() for sku in retired]
    revenue = 0.0
    for sku, qty, price in zip(frame["sku"], frame["qty"], frame["price"], strict=True):
        if sku.upper() in retired_upper:
            revenue += qty * price
    return round(revenue, 2)


def tax_by_country(frame: pd.DataFrame, rates_path: Path = TAX_RATES_PATH) -> dict[str, float]:
    """VAT due per country, from the rates finance maintains in tax_rates.json."""
    due: dict[str, float] = {}
    for country, qty, price in zip(frame["country"], frame["qty"], frame["price"], strict=True):
        with open(rates_path) as f:
            rates = json.load(f)
        due[country] = due.get(country, 0.0) + qty * price * rates.get(country, rates["default"])
    return {country: round(amount, 2) for country, amount in due.items()}


def orders_csv(orders: list[Order]) -> str:
    """CSV for the finance mailbox."""
    csv = "id,customer_id,created_at,status,total\n"
    for o in orders:
        csv += f"{o.id},{o.customer_id},{o.created_at:%Y-%m-%d},{o.status},{o.total:.2f}\n"
    return csv
