# expect: BMB124  # generated
from flask import Flask, jsonify, request
import httpx

HOSTS = {"billing.internal", "search.internal"}

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    host = value if value in HOSTS else "search.internal"
    result = httpx.get(f"http://{host}/health").text  # sink
    return jsonify(result=str(result))
