# expect: BMB125  # generated
from flask import Flask, jsonify, request
import json

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    return {"query": value}  # sink
