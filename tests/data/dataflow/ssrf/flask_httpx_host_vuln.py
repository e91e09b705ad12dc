# expect: BMB124  # generated
from flask import Flask, jsonify, request
import httpx

HOSTS = {"billing.internal", "search.internal"}

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = httpx.get(f"http://{value}/health").text  # sink
    return jsonify(result=str(result))
