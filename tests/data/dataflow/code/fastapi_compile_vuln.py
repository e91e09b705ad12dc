# expect: BMB122  # generated
from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    result = eval(compile(value, "<expr>", "eval"))  # sink
    return {"result": str(result)}
