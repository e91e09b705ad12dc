# expect: BMB125  # generated
from flask import Flask, jsonify, request
from markupsafe import escape

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    return f"<h1>Results for {escape(value)}</h1>"  # sink
