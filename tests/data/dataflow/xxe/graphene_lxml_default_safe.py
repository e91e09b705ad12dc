# expect: BMB129  # generated
import graphene
from lxml import etree


class Query(graphene.ObjectType):
    result = graphene.String(q=graphene.String())

    def resolve_result(self, info, q):
        value = q
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        result = etree.fromstring(value.encode(), parser).tag  # sink
        return str(result)
