# expect: BMB128  # generated
from aiohttp import web
import ldap
from ldap.filter import escape_filter_chars


async def handle_items(request):
    value = request.query.get("q", "")
    conn = ldap.initialize("ldap://directory.example.com")
    result = conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={value})")  # sink
    return web.json_response({"result": str(result)})
