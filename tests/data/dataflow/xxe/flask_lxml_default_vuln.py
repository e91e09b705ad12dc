# expect: BMB129  # generated
from flask import Flask, jsonify, request
from lxml import etree

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = etree.fromstring(value.encode()).tag  # sink
    return jsonify(result=str(result))
