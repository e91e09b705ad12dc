# expect: BMB120  # generated
from flask import Flask, jsonify, request
import sqlite3

COLUMNS = {"name", "created"}

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    db = sqlite3.connect("app.db")
    column = value if value in COLUMNS else "name"
    result = db.execute("SELECT * FROM users ORDER BY {}".format(column)).fetchall()  # sink
    return jsonify(result=str(result))
