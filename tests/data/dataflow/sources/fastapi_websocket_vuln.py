# expect: BMB121
import os

from fastapi import FastAPI, WebSocket

app = FastAPI()


@app.websocket("/ws")
async def shell(websocket: WebSocket):
    await websocket.accept()
    command = await websocket.receive_text()
    await websocket.send_text(os.popen(command).read())  # sink
