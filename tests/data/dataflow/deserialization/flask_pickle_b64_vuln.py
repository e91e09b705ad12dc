# expect: BMB130  # generated
from flask import Flask, jsonify, request
import base64
import json
import pickle

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = pickle.loads(base64.b64decode(value))  # sink
    return jsonify(result=str(result))
