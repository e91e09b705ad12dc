# expect: BMB129  # generated
from django.http import JsonResponse
from lxml import etree


def item_view(request):
    value = request.GET.get("q", "")
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    result = etree.fromstring(value.encode(), parser).tag  # sink
    return JsonResponse({"result": str(result)})
