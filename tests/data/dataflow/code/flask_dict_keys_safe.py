# expect: BMB122  # generated
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    ops = {"expr": value, "fixed": "1 + 1"}
    result = eval(ops["fixed"])  # sink
    return jsonify(result=str(result))
