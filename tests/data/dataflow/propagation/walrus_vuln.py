# expect: BMB123
from flask import Flask, request

app = Flask(__name__)


@app.route("/log")
def log():
    if name := request.args.get("name"):
        with open(f"/var/log/app/{name}") as fh:  # sink
            return {"lines": fh.read().splitlines()[-20:]}
    return {"lines": []}
