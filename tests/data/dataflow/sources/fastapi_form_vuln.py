# expect: BMB121
import os

from fastapi import FastAPI, Form

app = FastAPI()


@app.post("/convert")
def convert(filename: str = Form(...)):
    os.system(f"convert {filename} out.png")  # sink
    return {"ok": True}
