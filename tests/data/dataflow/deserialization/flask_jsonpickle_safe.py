# expect: BMB130  # generated
from flask import Flask, jsonify, request
import json
import jsonpickle

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = jsonpickle.decode(json.dumps({"n": len(value)}))  # sink
    return jsonify(result=str(result))
