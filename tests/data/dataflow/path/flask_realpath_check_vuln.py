# expect: BMB123  # generated
from flask import Flask, jsonify, request
import os

BASE = "/srv/reports"

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    path = os.path.join(BASE, value)
    with open(path, "rb") as fh:  # sink
        result = len(fh.read())
    return jsonify(result=str(result))
