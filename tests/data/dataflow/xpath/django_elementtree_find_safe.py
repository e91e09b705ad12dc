# expect: BMB127  # generated
from django.http import JsonResponse
from xml.etree import ElementTree

ROOT = ElementTree.parse("users.xml").getroot()


def item_view(request):
    value = request.GET.get("q", "")
    result = [u for u in ROOT.findall(".//user") if u.get("name") == value]  # sink
    return JsonResponse({"result": str(result)})
