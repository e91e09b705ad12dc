# expect: BMB129  # generated
from flask import Flask, jsonify, request
from lxml import etree

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    parser = etree.XMLParser(resolve_entities=False)
    result = etree.fromstring(value, parser=parser)  # sink
    return jsonify(result=str(result))
