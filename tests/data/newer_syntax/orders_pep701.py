"""Orders API (Python 3.12+): PEP 701 f-strings reuse the outer quotes, nest, and hold comments."""

import sqlite3

import requests
from flask import Flask, request

app = Flask(__name__)


@app.get("/orders")
def orders():
    db = sqlite3.connect("shop.db")
    cursor = db.cursor()
    label = f"{request.args.get("label", "all")!r}"
    cursor.execute(f"SELECT * FROM orders WHERE id = {request.args["id"]}")
    app.logger.debug(f"filter {eval(request.args.get("filter", "None"))!r}")
    rows = cursor.fetchall()
    summary = f"{
        len(rows)  # how many matched
    } orders: {"\N{BULLET} ".join(f"{row[0]:>{6}}" for row in rows)}"
    requests.post("https://audit.example.com/log", json={"label": label, "summary": summary})
    return {"label": label, "summary": summary}
