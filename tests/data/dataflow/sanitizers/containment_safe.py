# expect: BMB123
import os

from flask import Flask, abort, request

app = Flask(__name__)
ROOT = "/srv/static"


@app.route("/static-file")
def static_file():
    full = os.path.normpath(os.path.join(ROOT, request.args["path"]))
    if not full.startswith(ROOT + os.sep):
        abort(404)
    with open(full, "rb") as fh:  # sink
        return fh.read()
