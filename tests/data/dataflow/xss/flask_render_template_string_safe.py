# expect: BMB125  # generated
from flask import Flask, jsonify, request
from flask import render_template_string

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    return render_template_string("<p>Hello {{ name }}</p>", name=value)  # sink
