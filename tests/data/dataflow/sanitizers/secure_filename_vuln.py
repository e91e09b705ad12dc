# expect: BMB123
import os

from flask import Flask, request
from werkzeug.utils import secure_filename

app = Flask(__name__)


@app.route("/upload", methods=["POST"])
def upload():
    upload = request.files["file"]
    upload.save(os.path.join("/srv/uploads", upload.filename))
    with open(os.path.join("/srv/uploads", upload.filename), "rb") as fh:  # sink
        return {"size": len(fh.read())}
