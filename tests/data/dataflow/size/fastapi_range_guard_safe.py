# expect: BMB135  # generated
from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    n = int(value or 0)
    if n > 1000:
        n = 1000
    result = sum(i * i for i in range(n))  # sink
    return {"result": str(result)}
