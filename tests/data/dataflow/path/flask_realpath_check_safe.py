# expect: BMB123  # generated
from flask import Flask, jsonify, request
import os

BASE = "/srv/reports"

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    path = os.path.realpath(os.path.join(BASE, value))
    if not path.startswith(BASE + os.sep):
        raise PermissionError(value)
    with open(path, "rb") as fh:  # sink
        result = len(fh.read())
