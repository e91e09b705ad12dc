# expect: BMB120  # generated
from django.http import JsonResponse
import sqlite3


def item_view(request):
    value = request.GET.get("q", "")
    conn = sqlite3.connect("app.db")
    sql = "SELECT id FROM orders WHERE ref = '" + value + "'"
    result = conn.execute(sql).fetchone()  # sink
    return JsonResponse({"result": str(result)})
