# expect: BMB121
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/run")
def run():
    command = request.args["cmd"]
    target = command
    target = "uptime"
    os.system(target)  # sink
    return {"ok": True, "asked": command}
