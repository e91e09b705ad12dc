# expect: BMB130  # generated
from aiohttp import web
import base64
import json
import pickle


async def handle_items(request):
    value = request.query.get("q", "")
    result = pickle.loads(base64.b64decode(value))  # sink
    return web.json_response({"result": str(result)})
