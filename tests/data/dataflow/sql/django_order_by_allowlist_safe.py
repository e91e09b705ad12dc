# expect: BMB120  # generated
from django.http import JsonResponse
import sqlite3

COLUMNS = {"name", "created"}


def item_view(request):
    value = request.GET.get("q", "")
    db = sqlite3.connect("app.db")
    column = value if value in COLUMNS else "name"
    result = db.execute("SELECT * FROM users ORDER BY {}".format(column)).fetchall()  # sink
    return JsonResponse({"result": str(result)})
