# expect: BMB122  # generated
from flask import Flask, jsonify, request
import ast

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = ast.literal_eval(value)  # sink
    return jsonify(result=str(result))
