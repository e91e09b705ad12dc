# expect: BMB124  # generated
from django.http import JsonResponse
from urllib.parse import quote
from urllib.request import urlopen


def item_view(request):
    value = request.GET.get("q", "")
    result = urlopen(value).read()  # sink
    return JsonResponse({"result": str(result)})
