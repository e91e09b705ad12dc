# expect: BMB121  # generated
from flask import Flask, jsonify, request
import os

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    host = request.headers["X-Host"]
    result = os.system("nslookup " + host)  # sink
    return jsonify(result=str(result))
