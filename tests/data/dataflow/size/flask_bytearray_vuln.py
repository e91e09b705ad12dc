# expect: BMB135  # generated
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    size = int(value or 16)
    result = len(bytearray(size))  # sink
    return jsonify(result=str(result))
