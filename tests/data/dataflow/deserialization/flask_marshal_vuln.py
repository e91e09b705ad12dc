# expect: BMB130  # generated
from flask import Flask, jsonify, request
import marshal

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = marshal.loads(bytes.fromhex(value))  # sink
    return jsonify(result=str(result))
