# expect: BMB123  # generated
from django.http import JsonResponse
import os
import shutil
from werkzeug.utils import secure_filename


def item_view(request):
    value = request.GET.get("q", "")
    shutil.rmtree(os.path.join("/srv/uploads", value))  # sink
    result = "removed"
    return JsonResponse({"result": str(result)})
