# expect: BMB122  # generated
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    number = int(value or 0)
    result = eval(compile(f"{number} * 2", "<expr>", "eval"))  # sink
    return jsonify(result=str(result))
