# expect: BMB121
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/dns")
def dns():
    domain = request.args["domain"]
    cmd = "dig +short {} {}".format("example.com", "A")
    return {"out": os.popen(cmd).read(), "asked": domain}  # sink
