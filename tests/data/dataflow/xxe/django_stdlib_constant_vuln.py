# expect: BMB129  # generated
from django.http import JsonResponse
from xml.etree import ElementTree

USERS_XML = "<users><user name='a'/></users>"


def item_view(request):
    value = request.GET.get("q", "")
    result = ElementTree.fromstring(value).tag  # sink
    return JsonResponse({"result": str(result)})
