# expect: BMB124  # generated
from flask import Flask, jsonify, request
import requests

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = requests.get(f"https://api.example.com/items/{value}", timeout=5).status_code  # sink
    return jsonify(result=str(result))
