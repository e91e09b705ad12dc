# expect: BMB121  # generated
from flask import Flask, jsonify, request
import subprocess

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = subprocess.run(f"ls -l {value}", shell=True, capture_output=True).stdout  # sink
    return jsonify(result=str(result))
