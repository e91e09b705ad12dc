# expect: BMB127  # generated
import graphene
from lxml import etree

TREE = etree.parse("users.xml")


class Query(graphene.ObjectType):
    result = graphene.String(q=graphene.String())

    def resolve_result(self, info, q):
        value = q
        result = TREE.xpath(f"//user[@name='{value}']")  # sink
        return str(result)
