from github import Github

import stripe

github = Github("@@github_pat@@")
stripe.api_key = "@@stripe_live@@"

PARTNER_API_KEY = "@@split_plus[:24]@@" + "@@split_plus[24:]@@"
SERVICE_TOKEN = (
    "@@split_implicit[:20]@@"
    "@@split_implicit[20:]@@"
)
CHAT = "@@split_slack[:30]@@" + \
    "@@split_slack[30:]@@"


def partner_headers():
    return {"X-Partner-Key": PARTNER_API_KEY, "X-Service": SERVICE_TOKEN}
