# expect: BMB125  # generated
from fastapi import FastAPI
import html
from fastapi.responses import HTMLResponse

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    return HTMLResponse(f"<div>{value}</div>")  # sink
