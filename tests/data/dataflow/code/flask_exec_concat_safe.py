# expect: BMB122  # generated
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    scope = {}
    exec("result = 40 + 2", scope)  # sink
    result = scope["result"]
    return jsonify(result=str(result))
