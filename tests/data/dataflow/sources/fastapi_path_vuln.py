# expect: BMB121
import os

from fastapi import FastAPI

app = FastAPI()


@app.get("/hosts/{host}")
def ping(host: str):
    return {"status": os.system("ping -c 1 " + host)}  # sink
