# expect: BMB121
import os

from fastapi import FastAPI, Form

app = FastAPI()


@app.post("/convert")
def convert(filename: str = Form(...)):
    os.system("convert in.png out.png")  # sink
    return {"ok": True, "name": filename}
