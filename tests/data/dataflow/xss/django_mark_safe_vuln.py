# expect: BMB125  # generated
from django.http import JsonResponse
from django.utils.safestring import mark_safe
from django.utils.html import escape


def item_view(request):
    value = request.GET.get("q", "")
    result = mark_safe("<em>" + value + "</em>")  # sink
    return JsonResponse({"result": str(result)})
