# expect: BMB127  # generated
from flask import Flask, jsonify, request
from xml.etree import ElementTree

ROOT = ElementTree.parse("users.xml").getroot()

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = [u for u in ROOT.findall(".//user") if u.get("name") == value]  # sink
    return jsonify(result=str(result))
