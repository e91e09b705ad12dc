# expect: BMB130  # generated
from flask import Flask, jsonify, request
import yaml

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    result = yaml.load(value, Loader=yaml.Loader)  # sink
    return jsonify(result=str(result))
