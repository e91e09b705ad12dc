# expect: BMB121  # generated
from flask import Flask, jsonify, request
import os

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = os.system("ping -c 1 " + value)  # sink
    return jsonify(result=str(result))
