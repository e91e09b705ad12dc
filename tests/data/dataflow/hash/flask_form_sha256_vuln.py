# expect: BMB134  # generated
from flask import Flask, jsonify, request
import hashlib
import os

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    password = request.form.get("password", "")
    result = hashlib.sha256(password.encode()).hexdigest()  # sink
    return jsonify(result=str(result))
