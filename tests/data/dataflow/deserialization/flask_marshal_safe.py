# expect: BMB130  # generated
from flask import Flask, jsonify, request
import marshal

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = marshal.loads(marshal.dumps(int(value or 0)))  # sink
    return jsonify(result=str(result))
