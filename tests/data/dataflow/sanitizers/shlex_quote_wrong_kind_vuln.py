# expect: BMB123
import shlex

from fastapi import FastAPI

app = FastAPI()


@app.get("/notes")
def notes(name: str):
    with open("/srv/notes/" + shlex.quote(name)) as fh:  # sink
        return {"text": fh.read()}
