# expect: BMB120
import html
import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/comment", methods=["POST"])
def comment():
    text = html.escape(request.form["text"])
    sqlite3.connect("app.db").execute(f"INSERT INTO comments (body) VALUES ('{text}')")  # sink
    return {"ok": True}
