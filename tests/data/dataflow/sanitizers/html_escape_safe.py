# expect: BMB125
import html

from flask import Flask, request

app = Flask(__name__)


@app.route("/comment", methods=["POST"])
def comment():
    text = html.escape(request.form["text"])
    return f"<p>{text}</p>"  # sink
