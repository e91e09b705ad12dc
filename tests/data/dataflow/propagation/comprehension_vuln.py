# expect: BMB121
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/batch")
def batch():
    names = [name.strip() for name in request.args["names"].split(",")]
    for name in names:
        os.system(f"id {name}")  # sink
    return {"count": len(names)}
