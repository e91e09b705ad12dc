# expect: BMB124  # generated
from aiohttp import web
import requests


async def handle_items(request):
    value = request.query.get("q", "")
    result = requests.get(f"https://api.example.com/items/{value}", timeout=5).status_code  # sink
    return web.json_response({"result": str(result)})
