# expect: BMB121
import subprocess
from typing import Annotated

from fastapi import Cookie, FastAPI, Header

app = FastAPI()


@app.get("/whoami")
def whoami(user: Annotated[str, Cookie()], agent: Annotated[str, Header()] = ""):
    subprocess.run(["logger", user, agent])  # sink
    return {"ok": True}
