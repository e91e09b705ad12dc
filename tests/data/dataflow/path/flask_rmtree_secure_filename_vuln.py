# expect: BMB123  # generated
from flask import Flask, jsonify, request
import os
import shutil
from werkzeug.utils import secure_filename

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    shutil.rmtree(os.path.join("/srv/uploads", value))  # sink
    result = "removed"
    return jsonify(result=str(result))
