# expect: BMB121
import os

from fastapi import FastAPI, Request

app = FastAPI()


@app.get("/trace")
async def trace(request: Request):
    target = request.query_params["target"]
    return {"out": os.popen("traceroute " + target).read()}  # sink
