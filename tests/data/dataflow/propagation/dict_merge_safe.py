# expect: BMB121
import subprocess

from flask import Flask, request

app = Flask(__name__)
DEFAULTS = {"image": "alpine", "cmd": "true"}


@app.route("/container", methods=["POST"])
def container():
    spec = {"name": request.get_json()["name"], **DEFAULTS}
    subprocess.run("docker run " + spec["image"] + " " + spec["cmd"], shell=True)  # sink
    return {"ok": True}
