"""GraphQL servers: the arguments of graphene, strawberry and ariadne resolvers and mutations come from the
query."""

from .schema import Handler, Returns

MODELS = [
    Handler("graphene.ObjectType", "graphene", via="base", methods=("resolve_*",)),
    Handler("graphene.types.objecttype.ObjectType", "graphene", via="base", methods=("resolve_*",)),
    Handler("graphene.Mutation", "graphene", via="base", methods=("mutate",)),
    Handler("graphene.relay.ClientIDMutation", "graphene", via="base", methods=("mutate_and_get_payload",)),
    Handler("graphene_django.DjangoObjectType", "graphene", via="base", methods=("resolve_*",)),
    Handler("strawberry.field", "strawberry"),
    Handler("strawberry.mutation", "strawberry"),
    Handler("strawberry.subscription", "strawberry"),
    Handler("strawberry.type", "strawberry-type", via="decorator"),
    *(Handler(f"ariadne.{cls}.field", "graphene") for cls in ("QueryType", "MutationType", "ObjectType",
                                                             "SubscriptionType")),
    *(Returns(f"ariadne.{cls}", f"ariadne.{cls}") for cls in ("QueryType", "MutationType", "ObjectType",
                                                             "SubscriptionType")),
]
