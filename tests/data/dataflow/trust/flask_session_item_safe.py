# expect: BMB132  # generated
from flask import Flask, jsonify, request
from flask import session

THEMES = {"dark", "light"}

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    if value in THEMES:
        session["theme"] = value  # sink
    result = "saved"
    return jsonify(result=str(result))
