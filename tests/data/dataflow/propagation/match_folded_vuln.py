# expect: BMB121
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/svc")
def svc():
    mode = "custom"
    match mode:
        case "status":
            cmd = "systemctl status web"
        case _:
            cmd = "systemctl restart " + request.args["unit"]
    os.system(cmd)  # sink
    return {"ok": True}
