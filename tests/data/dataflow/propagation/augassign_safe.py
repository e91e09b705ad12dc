# expect: BMB121
import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.route("/archive")
def archive():
    folder = request.form["folder"]
    cmd = "tar czf /tmp/out.tgz "
    cmd += "/srv/data"
    subprocess.call(cmd, shell=True)  # sink
    return {"ok": True, "folder": folder}
