# expect: BMB128  # generated
from django.http import JsonResponse
import ldap
from ldap.filter import escape_filter_chars


def item_view(request):
    value = request.GET.get("q", "")
    conn = ldap.initialize("ldap://directory.example.com")
    result = conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(value)})")  # sink
    return JsonResponse({"result": str(result)})
