# expect: BMB129  # generated
from flask import Flask, jsonify, request
from xml.etree import ElementTree

USERS_XML = "<users><user name='a'/></users>"

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = len(ElementTree.fromstring(USERS_XML))  # sink
    return jsonify(result=str(result))
