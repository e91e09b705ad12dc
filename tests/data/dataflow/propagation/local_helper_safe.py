# expect: BMB120
import sqlite3

from flask import Flask, request

app = Flask(__name__)


def where_clause(field, value):
    return f"WHERE {field} = ?"


@app.route("/find")
def find():
    email = request.args["email"]
    sql = "SELECT * FROM users " + where_clause("email", email)
    sqlite3.connect("app.db").execute(sql, (email,))  # sink
    return {"ok": True}
