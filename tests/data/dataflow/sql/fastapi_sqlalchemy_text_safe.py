# expect: BMB120  # generated
from fastapi import FastAPI
from sqlalchemy import create_engine, text

engine = create_engine("sqlite://")

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    with engine.connect() as conn:
        result = conn.execute(text("SELECT * FROM items WHERE sku = :sku"), {"sku": value}).all()  # sink
    return {"result": str(result)}
