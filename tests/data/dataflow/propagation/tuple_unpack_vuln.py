# expect: BMB121
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/tool")
def tool():
    user_arg, default = request.args["arg"], "-a"
    os.system("uname " + user_arg)  # sink
    return {"default": default}
