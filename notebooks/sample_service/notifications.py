"""Customer e-mails and messages to the ops channel in Slack."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import requests
from jinja2 import DictLoader, Environment

from sample_service import settings

SENDER = "Shop <no-reply@shop.example>"
RESET_URL = "https://shop.example/account/reset/{token}"
TEMPLATES = {
    "reset.html": (
        "<p>Hello {{ email }},</p>"
        '<p>Someone asked to reset your password. <a href="{{ link }}">Choose a new one</a>'
        " within the next hour, or ignore this message.</p>"
    ),
}

templates = Environment(loader=DictLoader(TEMPLATES), autoescape=False)


def send_password_reset(email: str, token: str) -> None:
    html = templates.get_template("reset.html").render(email=email, link=RESET_URL.format(token=token))
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = SENDER, email, "Reset your password"
    message.set_content("Open the HTML version of this e-mail to reset your password.")
    message.add_alternative(html, subtype="html")
    with smtplib.SMTP("localhost") as smtp:
        smtp.send_message(message)


def notify_ops(text: str) -> None:
    """Post a line to #orders-ops (failed payments, stuck exports)."""
    webhook = settings.load_config()["slack"]["webhook_url"]
    requests.post(webhook, json={"text": text}, timeout=10).raise_for_status()
