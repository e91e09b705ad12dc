# expect: BMB122
from flask import Flask, request

app = Flask(__name__)


@app.route("/limits", methods=["POST"])
def limits():
    return {"limits": eval(request.form["limits"])}  # sink
