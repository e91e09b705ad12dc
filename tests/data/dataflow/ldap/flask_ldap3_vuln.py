# expect: BMB128  # generated
from flask import Flask, jsonify, request
from ldap3 import Connection
from ldap3.utils.conv import escape_filter_chars

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    conn = Connection("ldap://directory.example.com", auto_bind=True)
    result = conn.search("dc=example,dc=com", "(cn=" + value + ")")  # sink
    return jsonify(result=str(result))
