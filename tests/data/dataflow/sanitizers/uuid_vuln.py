# expect: BMB123
import uuid

from django.views.decorators.http import require_GET
from django.http import FileResponse


@require_GET
def invoice(request, invoice_id):
    return FileResponse(open(f"/srv/invoices/{invoice_id}.pdf", "rb"))  # sink
