# expect: BMB120  # generated
from flask import Flask, jsonify, request
from sqlalchemy import create_engine, text

engine = create_engine("sqlite://")

app = Flask(__name__)


@app.route("/items", methods=["GET", "POST"])
def items():
    value = request.args.get("q", "")
    with engine.connect() as conn:
        result = conn.execute(text("SELECT * FROM items WHERE sku = :sku"), {"sku": value}).all()  # sink
    return jsonify(result=str(result))
