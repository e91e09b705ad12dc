# expect: BMB121
import subprocess

from flask import Flask, abort, request

app = Flask(__name__)
SERVICES = ("nginx", "redis")


@app.route("/restart")
def restart():
    service = request.args["service"]
    if service not in SERVICES:
        abort(400)
    subprocess.run(f"systemctl restart {service}", shell=True)  # sink
    return {"ok": True}
