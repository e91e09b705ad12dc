"""HTTP clients: a URL (or host) taken from input makes the server fetch what the attacker chooses (SSRF)."""

from .schema import Returns, Sink

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options")

MODELS = [
    *(Sink(f"requests.{verb}", "ssrf", args=(0, "url")) for verb in _VERBS),
    Sink("requests.request", "ssrf", args=(1, "url")),
    Returns("requests.Session", "requests.Session"),
    Returns("requests.session", "requests.Session"),
    *(Sink(f"requests.Session.{verb}", "ssrf", args=(0, "url")) for verb in _VERBS),
    Sink("requests.Session.request", "ssrf", args=(1, "url")),
    *(Sink(f"httpx.{verb}", "ssrf", args=(0, "url")) for verb in _VERBS),
    Sink("httpx.request", "ssrf", args=(1, "url")),
    Sink("httpx.stream", "ssrf", args=(1, "url")),
    Returns("httpx.Client", "httpx.Client"),
    Returns("httpx.AsyncClient", "httpx.Client"),
    *(Sink(f"httpx.Client.{verb}", "ssrf", args=(0, "url")) for verb in _VERBS),
    Sink("httpx.Client.request", "ssrf", args=(1, "url")),
    Sink("httpx.Client.stream", "ssrf", args=(1, "url")),
    Sink("urllib.request.urlopen", "ssrf", args=(0, "url")),
    Sink("urllib.request.Request", "ssrf", args=(0, "url")),
    Sink("urllib.urlopen", "ssrf", args=(0, "url")),
    Sink("urllib2.urlopen", "ssrf", args=(0, "url")),
    Returns("urllib3.PoolManager", "urllib3.PoolManager"),
    Sink("urllib3.PoolManager.request", "ssrf", args=(1, "url")),
    Sink("urllib3.PoolManager.urlopen", "ssrf", args=(1, "url")),
    Sink("http.client.HTTPConnection", "ssrf", args=(0, "host")),
    Sink("http.client.HTTPSConnection", "ssrf", args=(0, "host")),
    Returns("aiohttp.ClientSession", "aiohttp.ClientSession"),
    *(Sink(f"aiohttp.ClientSession.{verb}", "ssrf", args=(0, "url")) for verb in _VERBS),
    Sink("aiohttp.ClientSession.request", "ssrf", args=(1, "url")),
    Sink("aiohttp.request", "ssrf", args=(1, "url")),
]
