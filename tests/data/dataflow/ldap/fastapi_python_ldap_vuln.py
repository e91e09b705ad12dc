# expect: BMB128  # generated
from fastapi import FastAPI
import ldap
from ldap.filter import escape_filter_chars

app = FastAPI()


@app.get("/items")
def read_items(q: str = ""):
    value = q
    conn = ldap.initialize("ldap://directory.example.com")
    result = conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={value})")  # sink
    return {"result": str(result)}
