# expect: BMB123
import uuid

from django.views.decorators.http import require_GET
from django.http import FileResponse


@require_GET
def invoice(request, invoice_id):
    key = uuid.UUID(invoice_id)
    return FileResponse(open(f"/srv/invoices/{key}.pdf", "rb"))  # sink
