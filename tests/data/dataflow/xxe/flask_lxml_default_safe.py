# expect: BMB129  # generated
from flask import Flask, jsonify, request
from lxml import etree

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    result = etree.fromstring(value.encode(), parser).tag  # sink
    return jsonify(result=str(result))
