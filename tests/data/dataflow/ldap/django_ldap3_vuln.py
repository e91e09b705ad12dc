# expect: BMB128  # generated
from django.http import JsonResponse
from ldap3 import Connection
from ldap3.utils.conv import escape_filter_chars


def item_view(request):
    value = request.GET.get("q", "")
    conn = Connection("ldap://directory.example.com", auto_bind=True)
    result = conn.search("dc=example,dc=com", "(cn=" + value + ")")  # sink
    return JsonResponse({"result": str(result)})
