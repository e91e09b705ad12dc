# expect: BMB135  # generated
from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    count = int(value or 1)
    result = "x" * count  # sink
    return {"result": str(result)}
