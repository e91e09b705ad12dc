# expect: BMB130  # generated
from fastapi import FastAPI
import yaml

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    result = yaml.load(value, Loader=yaml.SafeLoader)  # sink
    return {"result": str(result)}
