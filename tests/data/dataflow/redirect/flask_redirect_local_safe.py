# expect: BMB126  # generated
from flask import Flask, jsonify, request
from flask import redirect

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    return redirect("/profile/" + value)  # sink
