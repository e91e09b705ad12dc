# expect: BMB121  # generated
from flask import Flask, jsonify, request
import os

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = os.popen("grep %s /var/log/app.log" % value).read()  # sink
    return jsonify(result=str(result))
