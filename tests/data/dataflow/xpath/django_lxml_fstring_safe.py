# expect: BMB127  # generated
from django.http import JsonResponse
from lxml import etree

TREE = etree.parse("users.xml")


def item_view(request):
    value = request.GET.get("q", "")
    result = TREE.xpath("//user[@name=$name]", name=value)  # sink
    return JsonResponse({"result": str(result)})
