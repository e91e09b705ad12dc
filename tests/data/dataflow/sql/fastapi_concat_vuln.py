# expect: BMB120  # generated
from fastapi import FastAPI
import sqlite3

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    conn = sqlite3.connect("app.db")
    sql = "SELECT id FROM orders WHERE ref = '" + value + "'"
    result = conn.execute(sql).fetchone()  # sink
    return {"result": str(result)}
