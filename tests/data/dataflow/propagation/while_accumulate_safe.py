# expect: BMB120
import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/tags")
def tags():
    pending = request.args["tags"].split(",")
    clause = ""
    params = []
    while pending:
        clause += " OR tag = ?"
        params.append(pending.pop())
    sqlite3.connect("app.db").execute("SELECT * FROM posts WHERE 1=0" + clause, params)  # sink
    return {"ok": True}
