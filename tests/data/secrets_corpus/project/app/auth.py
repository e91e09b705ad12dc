import requests

HEADERS = {"Authorization": "Basic @@basic_auth@@"}
ENCODED = "@@b64_userpass@@"
creds = ("svc", "@@tuple_password@@")
SERVICES = {"billing": {"api_token": "@@dict_token@@", "region": "eu-west-1"}}


def fetch(url):
    return requests.get(url, headers=HEADERS, auth=creds, timeout=10)
