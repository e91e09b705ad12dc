# expect: BMB129  # generated
import graphene
from lxml import etree


class Query(graphene.ObjectType):
    result = graphene.String(q=graphene.String())

    def resolve_result(self, info, q):
        value = q
        result = etree.fromstring(value.encode()).tag  # sink
        return str(result)
