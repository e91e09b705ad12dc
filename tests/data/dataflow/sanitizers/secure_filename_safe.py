# expect: BMB123
import os

from flask import Flask, request
from werkzeug.utils import secure_filename

app = Flask(__name__)


@app.route("/upload", methods=["POST"])
def upload():
    upload = request.files["file"]
    name = secure_filename(upload.filename)
    with open(os.path.join("/srv/uploads", name), "rb") as fh:  # sink
        return {"size": len(fh.read())}
