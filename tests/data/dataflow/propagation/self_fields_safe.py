# expect: BMB121
import subprocess

from flask import Flask, request

app = Flask(__name__)


class Job:
    def __init__(self, target):
        self.target = target
        self.flags = "-v"

    def command(self):
        return f"rsync {self.flags} /srv/data /backup"


@app.route("/backup", methods=["POST"])
def backup():
    job = Job(request.form["path"])
    subprocess.run(job.command(), shell=True)  # sink
    return {"ok": True}
