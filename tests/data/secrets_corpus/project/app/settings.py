"""Settings of the fake billing service (every value here is planted by the secrets corpus)."""

DEBUG = False
AWS_ACCESS_KEY_ID = "@@aws_key_id@@"
AWS_SECRET_ACCESS_KEY = "@@aws_secret@@"
DATABASE_URL = "postgresql://billing:@@db_url_password@@@db.internal:5432/billing"
SECRET_KEY = "@@django_key@@"
ALLOWED_HOSTS = ["billing.internal"]
