"""HTTP API: orders, carts and password resets."""

from __future__ import annotations

import base64
import pickle
import sqlite3
import time

from flask import Blueprint, current_app, g, jsonify, request

from sample_service import auth, db, integrations, notifications
from sample_service.models import OrderLine
from sample_service.services import orders as order_service

api = Blueprint("api", __name__, url_prefix="/api")

# token -> (email, issued_at); a single worker serves the admin API, so memory is enough.
RESET_TOKENS: dict[str, tuple[str, float]] = {}


def get_conn() -> sqlite3.Connection:
    if "conn" not in g:
        g.conn = db.init_db(current_app.config["DATABASE_PATH"])
    return g.conn


@api.get("/orders")
def list_orders():
    status = request.args.get("status", "new")
    sort = request.args.get("sort", "created_at")
    orders = db.find_orders(get_conn(), status, sort)
    return jsonify([{"id": o.id, "customer_id": o.customer_id, "status": o.status, "total": o.total}
                    for o in orders])


@api.post("/orders")
def create_order():
    payload = request.get_json(force=True)
    wanted = {item["sku"]: int(item["qty"]) for item in payload["lines"]}
    prices = db.product_prices(get_conn(), list(wanted))
    missing = sorted(set(wanted) - set(prices))
    if missing:
        return jsonify(error=f"unknown SKUs: {', '.join(missing)}"), 400
    lines = [OrderLine(sku, qty, prices[sku]) for sku, qty in wanted.items()]
    try:
        order_id = order_service.place_order(get_conn(), int(payload["customer_id"]), lines,
                                             payload.get("coupon"))
    except order_service.OrderError as exc:
        return jsonify(error=str(exc)), 400
    return jsonify(id=order_id), 201


@api.get("/cart")
def restore_cart():
    """Bring back the cart the shop front saved in a cookie before the customer logged in."""
    saved = request.cookies.get("cart")
    if saved is None:
        return jsonify(lines=[])
    cart = pickle.loads(base64.b64decode(saved))
    return jsonify(lines=[{"sku": sku, "qty": qty} for sku, qty in cart.items()])


@api.post("/password-reset")
def request_password_reset():
    email = request.get_json(force=True)["email"]
    token = auth.make_reset_token()
    RESET_TOKENS[token] = (email, time.time())
    notifications.send_password_reset(email, token)
    return jsonify(status="sent"), 202


@api.get("/tracking/<tracking_number>")
def parcel_tracking(tracking_number: str):
    return jsonify(status=integrations.tracking_status(tracking_number))
