# expect: BMB126  # generated
from flask import Flask, jsonify, request
from flask import redirect

ALLOWED = {"/home", "/account"}

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    if value not in ALLOWED:
        value = "/home"
    return redirect(value)  # sink
