# expect: BMB127  # generated
from flask import Flask, jsonify, request
from lxml import etree

TREE = etree.parse("users.xml")

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = TREE.xpath(f"//user[@name='{value}']")  # sink
    return jsonify(result=str(result))
