# expect: BMB131  # generated
from flask import Flask, jsonify, request
from flask import make_response

LANGUAGES = {"en", "de"}

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    resp = make_response("ok")
    if value in LANGUAGES:
        resp.headers["Content-Language"] = value  # sink
    return resp
