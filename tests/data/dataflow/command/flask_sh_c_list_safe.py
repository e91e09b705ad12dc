# expect: BMB121  # generated
from flask import Flask, jsonify, request
import subprocess

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    value = "hello"
    result = subprocess.check_output(["sh", "-c", "echo " + value])  # sink
    return jsonify(result=str(result))
