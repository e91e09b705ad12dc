# expect: BMB134  # generated
from flask import Flask, jsonify, request
import hashlib
import os

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    password = request.form.get("password", "")
    result = hashlib.scrypt(password.encode(), salt=os.urandom(16), n=2**14, r=8, p=1).hex()  # sink
    return jsonify(result=str(result))
