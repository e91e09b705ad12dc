# expect: BMB121
import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.route("/archive")
def archive():
    cmd = "tar czf /tmp/out.tgz "
    cmd += request.form["folder"]
    subprocess.call(cmd, shell=True)  # sink
    return {"ok": True}
