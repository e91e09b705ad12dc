# expect: BMB121
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/ping")
def ping():
    queue = ["localhost"]
    queue.append(request.args["host"])
    host = queue.pop()
    os.system("ping -c 1 " + host)  # sink
    return {"ok": True}
