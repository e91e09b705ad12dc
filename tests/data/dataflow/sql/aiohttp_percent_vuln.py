# expect: BMB120  # generated
from aiohttp import web
import sqlite3


async def handle_items(request):
    value = request.query.get("q", "")
    db = sqlite3.connect("app.db")
    query = "DELETE FROM sessions WHERE token = '%s'" % value
    result = db.execute(query).rowcount  # sink
    return web.json_response({"result": str(result)})
