# expect: BMB129  # generated
import graphene
from xml.etree import ElementTree

USERS_XML = "<users><user name='a'/></users>"


class Query(graphene.ObjectType):
    result = graphene.String(q=graphene.String())

    def resolve_result(self, info, q):
        value = q
        result = len(ElementTree.fromstring(USERS_XML))  # sink
        return str(result)
