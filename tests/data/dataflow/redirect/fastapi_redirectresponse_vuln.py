# expect: BMB126  # generated
from fastapi import FastAPI
from fastapi.responses import RedirectResponse

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    return RedirectResponse(value)  # sink
