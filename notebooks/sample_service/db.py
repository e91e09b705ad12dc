"""SQLite repository: schema, inserts and the queries the services and reports use."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from sample_service.models import Customer, Order, OrderLine
from sample_service.services import orders as order_rules

SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE NOT NULL,
    country TEXT NOT NULL, tier TEXT NOT NULL DEFAULT 'standard'
);
CREATE TABLE IF NOT EXISTS products (sku TEXT PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),
    created_at TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'new', coupon TEXT, total REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS order_lines (
    order_id INTEGER NOT NULL REFERENCES orders(id), sku TEXT NOT NULL REFERENCES products(sku),
    qty INTEGER NOT NULL, price REAL NOT NULL
);
"""


def init_db(path: str = ":memory:") -> sqlite3.Connection:
    """Open (or create) the database and make sure the tables exist."""
    conn = sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES)
    conn.row_factory = sqlite3.Row
    conn.executescript(SCHEMA)
    return conn


def add_customer(
    conn: sqlite3.Connection, name: str, email: str, country: str, tier: str = "standard"
) -> int:
    cur = conn.execute(
        "INSERT INTO customers (name, email, country, tier) VALUES (?, ?, ?, ?)", (name, email, country, tier)
    )
    return int(cur.lastrowid)


def add_product(conn: sqlite3.Connection, sku: str, name: str, price: float) -> None:
    conn.execute("INSERT OR REPLACE INTO products (sku, name, price) VALUES (?, ?, ?)", (sku, name, price))


def product_prices(conn: sqlite3.Connection, skus: list[str]) -> dict[str, float]:
    """Current catalogue price for each SKU; unknown SKUs are simply missing from the result."""
    placeholders = ", ".join("?" for _ in skus)
    rows = conn.execute(f"SELECT sku, price FROM products WHERE sku IN ({placeholders})", skus)
    return {row["sku"]: row["price"] for row in rows}


def insert_order(
    conn: sqlite3.Connection,
    customer_id: int,
    lines: list[OrderLine],
    created_at: datetime,
    coupon: str | None = None,
) -> int:
    """Store an order and its lines in one transaction; the total is computed, never trusted."""
    total = order_rules.order_total(lines)
    with conn:
        cur = conn.execute(
            "INSERT INTO orders (customer_id, created_at, coupon, total) VALUES (?, ?, ?, ?)",
            (customer_id, created_at.isoformat(), coupon, total),
        )
        order_id = int(cur.lastrowid)
        conn.executemany(
            "INSERT INTO order_lines (order_id, sku, qty, price) VALUES (?, ?, ?, ?)",
            [(order_id, line.sku, line.qty, line.price) for line in lines],
        )
    return order_id


def get_customer(conn: sqlite3.Connection, customer_id: int) -> Customer | None:
    cur = conn.cursor()
    cur.execute(f"SELECT id, name, email, country, tier FROM customers WHERE id = {customer_id}")
    row = cur.fetchone()
    return Customer(**dict(row)) if row else None


def find_orders(conn: sqlite3.Connection, status: str, order_by: str = "created_at") -> list[Order]:
    """Orders in one status, sorted by the column the caller names (the admin table sorts by any)."""
    query = f"SELECT * FROM orders WHERE status = '{status}' ORDER BY {order_by}"
    cur = conn.cursor()
    cur.execute(query)
    return [_order_from_row(row) for row in cur.fetchall()]


def list_orders(conn: sqlite3.Connection, limit: int = 1000) -> list[Order]:
    rows = conn.execute("SELECT * FROM orders ORDER BY id LIMIT ?", (limit,)).fetchall()
    return [_order_from_row(row) for row in rows]


def set_status(conn: sqlite3.Connection, order_id: int, status: str) -> None:
    with conn:
        conn.execute("UPDATE orders SET status = ? WHERE id = ?", (status, order_id))


def _order_from_row(row: sqlite3.Row) -> Order:
    return Order(
        id=row["id"],
        customer_id=row["customer_id"],
        created_at=datetime.fromisoformat(row["created_at"]),
        status=row["status"],
        coupon=row["coupon"],
        total=row["total"],
    )
