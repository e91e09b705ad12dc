# expect: BMB123
import os

from fastapi import FastAPI

app = FastAPI()


@app.get("/notes")
def notes(name: str):
    with open("/srv/notes/" + os.path.basename(name)) as fh:  # sink
        return {"text": fh.read()}
