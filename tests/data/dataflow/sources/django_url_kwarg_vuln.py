# expect: BMB121
import subprocess

from django.http import JsonResponse


def service_logs(request, service):
    out = subprocess.check_output("journalctl -u " + service, shell=True)  # sink
    return JsonResponse({"out": out.decode()})
