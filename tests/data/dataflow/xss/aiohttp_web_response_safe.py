# expect: BMB125  # generated
from aiohttp import web
import html


async def handle_items(request):
    value = request.query.get("q", "")
    return web.Response(text=f"<p>{html.escape(value)}</p>", content_type="text/html")  # sink
