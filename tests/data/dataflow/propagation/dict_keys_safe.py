# expect: BMB120
import sqlite3

from flask import Flask, request

app = Flask(__name__)


@app.route("/report")
def report():
    params = {}
    params["keyA"] = "fixed"
    params["keyB"] = request.args["filter"]
    sql = "SELECT * FROM reports WHERE kind = '%s'" % params["keyA"]
    sqlite3.connect("app.db").execute(sql)  # sink
    return {"ok": True}
