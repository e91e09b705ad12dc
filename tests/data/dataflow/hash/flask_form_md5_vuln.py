# expect: BMB134  # generated
from flask import Flask, jsonify, request
import hashlib

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    digest = hashlib.md5(request.form["password"].encode()).hexdigest()  # sink
    result = digest
    return jsonify(result=str(result))
