# expect: BMB120
import sqlite3

from flask import Flask, request

app = Flask(__name__)


def where_clause(field, value):
    return f"WHERE {field} = '{value}'"


@app.route("/find")
def find():
    sql = "SELECT * FROM users " + where_clause("email", request.args["email"])
    sqlite3.connect("app.db").execute(sql)  # sink
    return {"ok": True}
