# expect: BMB120  # generated
from flask import Flask, jsonify, request
import sqlite3

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    cur = sqlite3.connect("app.db").cursor()
    result = cur.execute(f"SELECT * FROM users WHERE name = '{value}'").fetchall()  # sink
    return jsonify(result=str(result))
