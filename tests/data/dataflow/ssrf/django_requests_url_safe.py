# expect: BMB124  # generated
from django.http import JsonResponse
import requests


def item_view(request):
    value = request.GET.get("q", "")
    result = requests.get(f"https://api.example.com/items/{value}", timeout=5).status_code  # sink
    return JsonResponse({"result": str(result)})
