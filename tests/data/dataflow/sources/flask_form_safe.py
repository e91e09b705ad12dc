# expect: BMB121  # generated
from flask import Flask, jsonify, request
import os

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    host = request.form["host"]
    result = os.system("nslookup localhost")  # sink
    return jsonify(result=str(result))
