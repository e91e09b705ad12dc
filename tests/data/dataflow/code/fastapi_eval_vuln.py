# expect: BMB122  # generated
from fastapi import FastAPI
import ast

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    result = eval(value)  # sink
    return {"result": str(result)}
