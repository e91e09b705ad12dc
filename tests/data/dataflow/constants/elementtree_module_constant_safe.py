# expect: BMB129
from xml.etree import ElementTree

USERS_XML = """<users>
  <user name="alice" role="admin"/>
  <user name="bob" role="viewer"/>
</users>"""


def users():
    return [u.get("name") for u in ElementTree.fromstring(USERS_XML)]  # sink
