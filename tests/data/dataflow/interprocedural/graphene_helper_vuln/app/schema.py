# expect: BMB121
import graphene

from . import helpers


class Query(graphene.ObjectType):
    debug = graphene.String(arg=graphene.String())

    def resolve_debug(self, info, arg):
        return helpers.run_cmd("ps {}".format(arg))
