# expect: BMB135  # generated
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    count = min(int(value or 1), 100)
    result = "x" * count  # sink
    return jsonify(result=str(result))
