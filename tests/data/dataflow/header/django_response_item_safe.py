# expect: BMB131  # generated
from django.http import JsonResponse
from django.http import HttpResponse


def item_view(request):
    value = request.GET.get("q", "")
    response = HttpResponse("ok")
    response["X-Request-Ref"] = str(int(value or 0))  # sink
    return response
