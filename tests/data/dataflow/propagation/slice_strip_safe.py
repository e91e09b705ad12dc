# expect: BMB122
from fastapi import FastAPI

app = FastAPI()


@app.get("/calc")
def calc(expr: str):
    is_simple = expr.strip().isdigit()
    return {"value": eval(f"{is_simple} and 1")}  # sink
