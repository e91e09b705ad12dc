# expect: BMB135  # generated
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    n = int(value or 0)
    if n > 1000:
        n = 1000
    result = sum(i * i for i in range(n))  # sink
    return jsonify(result=str(result))
