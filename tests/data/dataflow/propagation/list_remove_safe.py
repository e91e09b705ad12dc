# expect: BMB120
import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/lookup")
def lookup():
    values = ["safe", request.args["name"], "moresafe"]
    values.remove(values[0])
    name = values[1]
    db = sqlite3.connect("app.db")
    db.execute("SELECT * FROM users WHERE name = '" + name + "'")  # sink
    return {"ok": True}
