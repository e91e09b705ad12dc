# expect: BMB131  # generated
from flask import Flask, jsonify, request
from flask import make_response

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    resp = make_response("ok")
    resp.headers.add("X-Trace", "static")  # sink
    return resp
