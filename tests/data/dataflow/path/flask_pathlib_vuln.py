# expect: BMB123  # generated
from flask import Flask, jsonify, request
from pathlib import Path

ROOT = Path("/srv/notes")

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = (ROOT / value).read_text()  # sink
    return jsonify(result=str(result))
