# expect: BMB121
import shlex
import subprocess

from fastapi import FastAPI

app = FastAPI()


@app.post("/grep")
def grep(pattern: str):
    quoted = shlex.quote(pattern)
    return {"out": subprocess.check_output(f"grep {quoted} /srv/app.log", shell=True)}  # sink
