# expect: BMB121
import os

from flask import Flask, request

app = Flask(__name__)


def walk(parts, prefix):
    if not parts:
        return prefix
    return walk(parts[1:], prefix + "/x")


@app.route("/mk")
def mk():
    path = walk(request.args["path"].split("/"), "/srv")
    os.system("mkdir -p " + path)  # sink
    return {"ok": True}
