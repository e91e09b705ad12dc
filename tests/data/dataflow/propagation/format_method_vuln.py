# expect: BMB121
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/dns")
def dns():
    cmd = "dig +short {} {}".format(request.args["domain"], "A")
    return {"out": os.popen(cmd).read()}  # sink
