# expect: BMB121
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/check")
def check():
    param = request.args["host"]
    num = 106
    host = "localhost" if 7 * 18 + num < 200 else param
    os.system("ping -c 1 " + host)  # sink
    return {"ok": True}
