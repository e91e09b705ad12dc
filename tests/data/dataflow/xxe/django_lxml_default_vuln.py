# expect: BMB129  # generated
from django.http import JsonResponse
from lxml import etree


def item_view(request):
    value = request.GET.get("q", "")
    result = etree.fromstring(value.encode()).tag  # sink
    return JsonResponse({"result": str(result)})
