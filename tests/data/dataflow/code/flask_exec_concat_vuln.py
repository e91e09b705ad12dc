# expect: BMB122  # generated
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    scope = {}
    exec("result = " + value, scope)  # sink
    result = scope["result"]
    return jsonify(result=str(result))
