# expect: BMB121
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/build")
def build():
    return {"out": os.popen("python3 setup.py " + request.args["target"]).read()}  # sink
