# expect: BMB122  # generated
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = eval(compile(value, "<expr>", "eval"))  # sink
    return jsonify(result=str(result))
