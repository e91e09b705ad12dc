"""Outbound calls: the parcel carrier's tracking API and Stripe refunds."""

from __future__ import annotations

from typing import Any

import requests

from sample_service import settings

CARRIER_API = "https://api.parcel-carrier.example/v2"
STRIPE_API = "https://api.stripe.com/v1"
TIMEOUT_SECONDS = 10


def tracking_status(tracking_number: str) -> str:
    """Latest status the carrier reports for a parcel ("in_transit", "delivered", ...)."""
    response = requests.get(f"{CARRIER_API}/parcels/{tracking_number}", timeout=TIMEOUT_SECONDS, verify=False)
    response.raise_for_status()
    return response.json()["status"]


def refund(charge_id: str, amount_cents: int) -> dict[str, Any]:
    """Refund part or all of a card payment."""
    secret_key = settings.load_config()["stripe"]["secret_key"]
    response = requests.post(
        f"{STRIPE_API}/refunds",
        data={"charge": charge_id, "amount": amount_cents},
        auth=(secret_key, ""),
        timeout=TIMEOUT_SECONDS,
    )
    response.raise_for_status()
    return response.json()
