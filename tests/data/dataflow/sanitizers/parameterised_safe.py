# expect: BMB120
import psycopg2
from fastapi import FastAPI

app = FastAPI()


@app.get("/orders/{order_id}")
def order(order_id: str):
    with psycopg2.connect("dbname=shop") as conn, conn.cursor() as cur:
        cur.execute("SELECT * FROM orders WHERE id = %s", (order_id,))  # sink
        return {"order": cur.fetchone()}
