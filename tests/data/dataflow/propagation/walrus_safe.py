# expect: BMB123
from flask import Flask, request

app = Flask(__name__)


@app.route("/log")
def log():
    if name := request.args.get("name"):
        with open("/var/log/app/current.log") as fh:  # sink
            return {"lines": [x for x in fh.read().splitlines() if name in x][-20:]}
    return {"lines": []}
