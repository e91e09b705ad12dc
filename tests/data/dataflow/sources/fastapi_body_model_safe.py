# expect: BMB121
import os

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Job(BaseModel):
    script: str
    retries: int = 1


@app.post("/jobs")
def create_job(job: Job):
    os.system("bash /srv/scripts/cleanup.sh " + str(int(job.retries)))  # sink
    return {"ok": True}
