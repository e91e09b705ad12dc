"""Pricing and the order life cycle."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from sample_service import db
from sample_service.models import Customer, OrderLine

MAX_DISCOUNT = 0.30
FREE_SHIPPING_OVER = 150.0
SHIPPING_FEE = {"DE": 4.9, "FR": 5.9, "NL": 4.9, "GB": 9.9}
DEFAULT_SHIPPING_FEE = 14.9


class OrderError(ValueError):
    """The order cannot be placed as requested."""


def order_total(lines: list[OrderLine]) -> float:
    """Sum of the line subtotals, rounded to cents."""
    return round(sum(line.subtotal for line in lines), 2)


def price_order(
    customer: Customer, lines: list[OrderLine], coupon: str | None = None, when: datetime | None = None
) -> float:
    """Apply the pricing rules in the order finance signed off and return the amount to charge."""
    when = when or datetime.now()
    for line in lines:
        if line.qty <= 0:
            raise OrderError(f"quantity must be positive for {line.sku}")
    subtotal = order_total(lines)
    if customer.country not in SHIPPING_FEE and subtotal < 20.0:
        raise OrderError("orders shipped outside the EU need a 20.00 minimum")
    discount = 0.0
    if customer.tier == "gold":
        discount += 0.10
    elif customer.tier == "silver":
        discount += 0.05
    if coupon:
        if coupon == "WELCOME10" and customer.tier == "standard":
            discount += 0.10
        elif coupon.startswith("VIP") and customer.tier != "standard":
            discount += 0.15
        elif coupon != "FREESHIP":
            raise OrderError(f"unknown coupon {coupon!r}")
    if when.month == 11 and when.day >= 24:
        discount += 0.20
    discount = min(discount, MAX_DISCOUNT)
    total = subtotal * (1 - discount)
    items = sum(line.qty for line in lines)
    if items >= 50:
        total -= 25.0
    elif items >= 20:
        total -= 10.0
    if subtotal >= FREE_SHIPPING_OVER or coupon == "FREESHIP":
        shipping = 0.0
    else:
        shipping = SHIPPING_FEE.get(customer.country, DEFAULT_SHIPPING_FEE)
    return round(max(total, 0.0) + shipping, 2)


def place_order(
    conn: sqlite3.Connection, customer_id: int, lines: list[OrderLine], coupon: str | None = None
) -> int:
    """Validate, price and store a new order; returns its id."""
    if not lines:
        raise OrderError("an order needs at least one line")
    customer = db.get_customer(conn, customer_id)
    if customer is None:
        raise OrderError(f"no customer {customer_id}")
    price_order(customer, lines, coupon)
    return db.insert_order(conn, customer_id, lines, datetime.now(), coupon)


def cancel_order(conn: sqlite3.Connection, order_id: int) -> None:
    """Cancel an order that has not shipped yet."""
    shipped = {order.id for order in db.find_orders(conn, "shipped")}
    if order_id in shipped:
        raise OrderError(f"order {order_id} has already shipped")
    db.set_status(conn, order_id, "cancelled")
