# expect: BMB121
import os

from flask import Blueprint

bp = Blueprint("tools", __name__)


@bp.route("/whois/<domain>")
def whois(domain):
    return {"out": os.popen("whois " + domain).read()}  # sink
