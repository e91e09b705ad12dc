# expect: BMB135  # generated
from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    n = int(value or 0)
    result = sum(i * i for i in range(n))  # sink
    return {"result": str(result)}
