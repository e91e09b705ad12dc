"""Plain data objects shared by the repository, the services and the web layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Customer:
    id: int
    name: str
    email: str
    country: str
    tier: str = "standard"


@dataclass(frozen=True)
class OrderLine:
    sku: str
    qty: int
    price: float

    @property
    def subtotal(self) -> float:
        return self.qty * self.price


@dataclass
class Order:
    id: int
    customer_id: int
    created_at: datetime
    status: str = "new"
    coupon: str | None = None
    total: float = 0.0
    lines: list[OrderLine] = field(default_factory=list)
