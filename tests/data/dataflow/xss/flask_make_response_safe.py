# expect: BMB125  # generated
from flask import Flask, jsonify, request
import html
from flask import make_response

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    return make_response("<p>" + html.escape(value) + "</p>")  # sink
