# expect: BMB121
import os

from flask import Blueprint

bp = Blueprint("tools", __name__)


@bp.route("/whois/<int:domain_id>")
def whois(domain_id):
    return {"out": os.popen("whois example.com").read(), "id": domain_id}  # sink
