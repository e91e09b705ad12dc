# expect: BMB121
from fastapi import FastAPI

from ops.runner import Deployment

app = FastAPI()


@app.post("/deploy")
def deploy(playbook: str):
    Deployment(playbook).start()
    return {"started": True}
