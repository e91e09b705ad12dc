# expect: BMB128
import re

import ldap
from flask import Flask, request

app = Flask(__name__)


@app.route("/member")
def member():
    uid = request.args["uid"]
    if re.fullmatch(r"[a-z0-9]{1,32}", uid):
        conn = ldap.initialize("ldap://ldap.example.com")
        return {"hits": len(conn.search_s("ou=people", ldap.SCOPE_SUBTREE, "(uid=" + uid + ")"))}  # sink
    return {"hits": 0}
