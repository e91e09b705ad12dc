# expect: BMB123  # generated
from flask import Flask, jsonify, request
import os

CACHE_FILES = {"/tmp/a.cache", "/tmp/b.cache"}

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    if value in CACHE_FILES:
        os.remove(value)  # sink
    result = "ok"
    return jsonify(result=str(result))
