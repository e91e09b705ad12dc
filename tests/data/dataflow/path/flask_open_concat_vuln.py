# expect: BMB123  # generated
from flask import Flask, jsonify, request
import os

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    with open("/srv/files/" + value) as fh:  # sink
        result = fh.read()
    return jsonify(result=str(result))
