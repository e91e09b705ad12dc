# expect: BMB124  # generated
from aiohttp import web
import requests

WEBHOOK = "https://hooks.example.com/notify"


async def handle_items(request):
    value = request.query.get("q", "")
    result = requests.post(url=WEBHOOK, json={"event": value}, timeout=5).ok  # sink
    return web.json_response({"result": str(result)})
