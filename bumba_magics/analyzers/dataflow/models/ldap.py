"""LDAP (python-ldap, ldap3): search filters and base DNs built from input."""

from .schema import Returns, Sanitizer, Sink

_SEARCH = ("search", "search_s", "search_st", "search_ext", "search_ext_s")

MODELS = [
    Returns("ldap.initialize", "ldap.ldapobject.LDAPObject"),
    *(Sink(f"ldap.ldapobject.LDAPObject.{name}", "ldap", args=(0, 2, "base", "filterstr")) for name in _SEARCH),
    *(Sink(f"*.{name}", "ldap", args=(0, 2, "base", "filterstr")) for name in _SEARCH[1:]),
    Returns("ldap3.Connection", "ldap3.Connection"),
    Sink("ldap3.Connection.search", "ldap", args=(0, 1, "search_base", "search_filter")),
    Sanitizer("ldap.filter.escape_filter_chars", frozenset({"ldap"})),
    Sanitizer("ldap.dn.escape_dn_chars", frozenset({"ldap"})),
    Sanitizer("ldap3.utils.conv.escape_filter_chars", frozenset({"ldap"})),
    Sanitizer("ldap3.utils.dn.escape_rdn", frozenset({"ldap"})),
]
