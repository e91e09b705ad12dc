# expect: BMB123  # generated
from fastapi import FastAPI
from pathlib import Path

ROOT = Path("/srv/notes")

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    result = (ROOT / Path(value).name).read_text()  # sink
    return {"result": str(result)}
