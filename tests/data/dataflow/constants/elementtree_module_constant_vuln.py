# expect: BMB129
from xml.etree import ElementTree

from flask import Flask, request

app = Flask(__name__)


@app.route("/users", methods=["POST"])
def users():
    return {"names": [u.get("name") for u in ElementTree.fromstring(request.data)]}  # sink
