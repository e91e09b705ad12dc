# expect: BMB135  # generated
from django.http import JsonResponse


def item_view(request):
    value = request.GET.get("q", "")
    count = min(int(value or 1), 100)
    result = "x" * count  # sink
    return JsonResponse({"result": str(result)})
