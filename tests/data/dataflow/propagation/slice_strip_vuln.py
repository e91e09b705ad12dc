# expect: BMB122
from fastapi import FastAPI

app = FastAPI()


@app.get("/calc")
def calc(expr: str):
    cleaned = expr.strip().lower()[1:-1]
    return {"value": eval(cleaned)}  # sink
