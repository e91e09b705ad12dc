# expect: BMB120  # generated
from fastapi import FastAPI
import sqlite3

COLUMNS = {"name", "created"}

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    db = sqlite3.connect("app.db")
    column = value if value in COLUMNS else "name"
    result = db.execute("SELECT * FROM users ORDER BY {}".format(column)).fetchall()  # sink
    return {"result": str(result)}
