# expect: BMB121
import subprocess

from django.views.decorators.http import require_GET
from django.http import JsonResponse


@require_GET
def service_logs(request, service):
    out = subprocess.check_output("journalctl -u " + service, shell=True)  # sink
    return JsonResponse({"out": out.decode()})
