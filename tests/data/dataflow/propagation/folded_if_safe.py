# expect: BMB122
from flask import Flask, request

app = Flask(__name__)
SAFE_MODE = True


@app.route("/formula")
def formula():
    expr = request.args["expr"]
    if SAFE_MODE:
        expr = "0"
    return {"value": eval(expr)}  # sink
