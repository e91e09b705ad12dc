# expect: BMB120  # generated
from flask import Flask, jsonify, request
import sqlite3

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    db = sqlite3.connect("app.db")
    query = "DELETE FROM sessions WHERE token = '%s'" % value
    result = db.execute(query).rowcount  # sink
    return jsonify(result=str(result))
