# expect: BMB121
import os

from flask import Flask, request

app = Flask(__name__)
KNOWN = {"alice", "bob"}


@app.route("/batch")
def batch():
    names = [name for name in request.args["names"].split(",") if name in KNOWN]
    for name in names:
        os.system(f"id {name}")  # sink
    return {"count": len(names)}
