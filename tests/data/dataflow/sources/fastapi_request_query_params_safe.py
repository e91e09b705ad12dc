# expect: BMB121
import os

from fastapi import Depends, FastAPI, Request

app = FastAPI()


def settings():
    return {"target": "example.com"}


@app.get("/trace")
async def trace(request: Request, config: dict = Depends(settings)):
    return {"out": os.popen("traceroute example.com").read(), "path": request.url.path}  # sink
