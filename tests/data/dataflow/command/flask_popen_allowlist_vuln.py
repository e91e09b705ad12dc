# expect: BMB121  # generated
from flask import Flask, jsonify, request
import subprocess

TOOLS = ("uptime", "df", "free")

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = subprocess.Popen(value, shell=True).wait()  # sink
    return jsonify(result=str(result))
