# expect: BMB120
import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/page")
def page():
    number = request.args.get("n", "1")
    rows = sqlite3.connect("app.db").execute(f"SELECT * FROM items LIMIT {number}").fetchall()  # sink
    return {"rows": rows}
