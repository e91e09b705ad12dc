# expect: BMB120  # generated
from flask import Flask, jsonify, request
import sqlite3

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    conn = sqlite3.connect("app.db")
    sql = "SELECT id FROM orders WHERE id = " + str(int(value or 0))
    result = conn.execute(sql).fetchone()  # sink
    return jsonify(result=str(result))
