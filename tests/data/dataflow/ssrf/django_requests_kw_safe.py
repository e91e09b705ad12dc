# expect: BMB124  # generated
from django.http import JsonResponse
import requests

WEBHOOK = "https://hooks.example.com/notify"


def item_view(request):
    value = request.GET.get("q", "")
    result = requests.post(url=WEBHOOK, json={"event": value}, timeout=5).ok  # sink
    return JsonResponse({"result": str(result)})
