# expect: BMB122  # generated
from fastapi import FastAPI

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    number = int(value or 0)
    result = eval(compile(f"{number} * 2", "<expr>", "eval"))  # sink
    return {"result": str(result)}
