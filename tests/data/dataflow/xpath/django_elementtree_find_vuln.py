# expect: BMB127  # generated
from django.http import JsonResponse
from xml.etree import ElementTree

ROOT = ElementTree.parse("users.xml").getroot()


def item_view(request):
    value = request.GET.get("q", "")
    result = ROOT.find(".//user[@name='" + value + "']")  # sink
    return JsonResponse({"result": str(result)})
