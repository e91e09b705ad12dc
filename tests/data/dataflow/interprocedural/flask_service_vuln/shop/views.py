# expect: BMB120
from flask import Flask, jsonify, request

from shop import services

app = Flask(__name__)


@app.route("/search")
def search():
    return jsonify(services.search(request.args.get("q", "")))
