# expect: BMB121
import os

from fastapi import FastAPI

app = FastAPI()


@app.get("/hosts/{host}")
def ping(host: int):
    return {"status": os.system("ping -c 1 10.0.0." + str(int(host)))}  # sink
