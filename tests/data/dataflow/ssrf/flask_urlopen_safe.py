# expect: BMB124  # generated
from flask import Flask, jsonify, request
from urllib.parse import quote
from urllib.request import urlopen

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = urlopen("https://status.example.com/check?name=" + quote(value)).read()  # sink
    return jsonify(result=str(result))
