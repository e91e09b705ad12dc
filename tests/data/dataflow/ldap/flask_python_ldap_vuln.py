# expect: BMB128  # generated
from flask import Flask, jsonify, request
import ldap
from ldap.filter import escape_filter_chars

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    conn = ldap.initialize("ldap://directory.example.com")
    result = conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={value})")  # sink
    return jsonify(result=str(result))
