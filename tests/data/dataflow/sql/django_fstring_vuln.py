# expect: BMB120  # generated
from django.http import JsonResponse
import sqlite3


def item_view(request):
    value = request.GET.get("q", "")
    cur = sqlite3.connect("app.db").cursor()
    result = cur.execute(f"SELECT * FROM users WHERE name = '{value}'").fetchall()  # sink
    return JsonResponse({"result": str(result)})
