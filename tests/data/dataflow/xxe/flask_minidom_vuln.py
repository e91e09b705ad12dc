# expect: BMB129  # generated
from flask import Flask, jsonify, request
from xml.dom import minidom
import defusedxml.minidom

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = minidom.parseString(value).documentElement.tagName  # sink
    return jsonify(result=str(result))
