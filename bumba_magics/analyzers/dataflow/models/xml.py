"""lxml: XPath built from input, and parsers that resolve external entities (XXE)."""

from .schema import Returns, Sink

_PARSE = ("fromstring", "XML", "parse", "fromstringlist")

MODELS = [
    Returns("lxml.etree.XMLParser", "lxml.etree.XMLParser", keywords=(("resolve_entities", False),),
            alt_type="lxml.etree.SafeParser"),
    *(Sink(f"lxml.etree.{name}", "xxe", args=(0, "text", "source"), when="parser") for name in _PARSE),
    *(Returns(f"lxml.etree.{name}", "lxml.etree._Element") for name in ("fromstring", "XML")),
    Returns("lxml.etree.parse", "lxml.etree._ElementTree"),
    Returns("lxml.etree._ElementTree.getroot", "lxml.etree._Element"),
    *(Sink(f"lxml.etree.{cls}.{name}", "xpath", args=(0, "_path", "path"))
      for cls in ("_Element", "_ElementTree") for name in ("xpath", "find", "findall", "findtext",
                                                           "iterfind")),
    Sink("*.xpath", "xpath", args=(0, "_path")),
    Sink("lxml.etree.XPath", "xpath", args=(0, "path")),
    Sink("lxml.etree.ETXPath", "xpath", args=(0, "path")),
    Sink("lxml.etree.XSLT", "xpath", args=(0,)),
]
