# expect: BMB121
import os

import websockets


async def handler(websocket):
    async for message in websocket:
        await websocket.send(os.popen("uptime").read() + str(len(message)))  # sink
