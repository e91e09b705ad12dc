# expect: BMB128  # generated
import graphene
import ldap
from ldap.filter import escape_filter_chars


class Query(graphene.ObjectType):
    result = graphene.String(q=graphene.String())

    def resolve_result(self, info, q):
        value = q
        conn = ldap.initialize("ldap://directory.example.com")
        result = conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(value)})")  # sink
        return str(result)
