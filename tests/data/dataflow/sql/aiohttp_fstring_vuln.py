# expect: BMB120  # generated
from aiohttp import web
import sqlite3


async def handle_items(request):
    value = request.query.get("q", "")
    cur = sqlite3.connect("app.db").cursor()
    result = cur.execute(f"SELECT * FROM users WHERE name = '{value}'").fetchall()  # sink
    return web.json_response({"result": str(result)})
