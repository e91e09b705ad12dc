# expect: BMB120  # generated
from fastapi import FastAPI
import sqlite3

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    cur = sqlite3.connect("app.db").cursor()
    result = cur.execute(f"SELECT * FROM users WHERE name = '{value}'").fetchall()  # sink
    return {"result": str(result)}
