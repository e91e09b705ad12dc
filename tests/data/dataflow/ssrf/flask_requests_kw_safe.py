# expect: BMB124  # generated
from flask import Flask, jsonify, request
import requests

WEBHOOK = "https://hooks.example.com/notify"

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = requests.post(url=WEBHOOK, json={"event": value}, timeout=5).ok  # sink
    return jsonify(result=str(result))
