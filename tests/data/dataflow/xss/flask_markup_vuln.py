# expect: BMB125  # generated
from flask import Flask, jsonify, request
from markupsafe import Markup

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    return Markup(f"<b>{value}</b>")  # sink
