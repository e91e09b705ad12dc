"""Abstract values: what the engine knows about a Python value at one point of a function.

A value carries *taints* — where untrusted data in it came from (an :class:`Origin`), which sink kinds it
has been made safe for (``cleared``), and the steps it took to get here — plus, where it decides a path,
structure: a folded constant, the items of a dict under constant keys, the elements of a list or tuple at
known positions, the attributes of an object, and the dotted name of the thing it refers to (an import, a
framework object, a class of the target). Values are immutable by convention: every update builds a new one.
"""

from __future__ import annotations

from dataclasses import dataclass

NOCONST = object()  # the value is not a known constant
MAX_STEPS = 40  # a path longer than this keeps its first and last steps


@dataclass(frozen=True, slots=True)
class Step:
    """One hop of a path: where it is and what happens there. ``line`` is the file's (virtual) line."""

    path: str
    line: int
    column: int
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class Origin:
    """Where untrusted data enters: a framework request attribute, ``input()``, a handler parameter …

    ``kind == "param"`` marks a parameter of the function being summarised (``param`` is its position,
    ``field`` an attribute read from it), so a summary says "parameter 1 reaches this sink".
    """

    kind: str  # remote | local | env | file | random | param
    label: str
    param: int = -1
    field: str | None = None
    secret: bool = False  # the value is a password (its key or name says so)

    @property
    def concrete(self) -> bool:
        return self.kind != "param"


Steps = tuple[Step, ...]
TaintKey = tuple[Origin, frozenset]  # (origin, sink kinds it was cleared for)
Taints = dict[TaintKey, Steps]
EMPTY: Taints = {}


def add_step(taints: Taints, step: Step) -> Taints:
    if not taints:
        return taints
    out: Taints = {}
    for key, steps in taints.items():
        if steps and steps[-1] == step:
            out[key] = steps
        elif len(steps) >= MAX_STEPS:
            out[key] = steps[:4] + steps[-(MAX_STEPS - 6):] + (step,)
        else:
            out[key] = steps + (step,)
    return out


def merge(a: Taints, b: Taints) -> Taints:
    """Union; for the same origin and clearing the shorter path is kept (it is the clearer evidence)."""
    if not a:
        return b
    if not b or a is b:
        return a
    out = dict(a)
    for key, steps in b.items():
        old = out.get(key)
        if old is None or len(steps) < len(old):
            out[key] = steps
    return out


def clear(taints: Taints, kinds: frozenset) -> Taints:
    """The same taints, made safe for ``kinds``."""
    if not taints or not kinds:
        return taints
    out: Taints = {}
    for (origin, cleared), steps in taints.items():
        key = (origin, cleared | kinds)
        old = out.get(key)
        if old is None or len(steps) < len(old):
            out[key] = steps
    return out


class Val:
    """An abstract value. See the module docstring; ``taints`` are the taints of the value as a whole (for a
    container: of the elements or keys that are not known individually)."""

    __slots__ = ("_deep", "attrs", "bound", "const", "elems", "inst", "items", "kind", "qual", "taints")

    def __init__(
        self,
        taints: Taints = EMPTY,
        const: object = NOCONST,
        qual: str | None = None,
        kind: str | None = None,
        elems: tuple[Val, ...] | None = None,
        items: dict | None = None,
        attrs: dict[str, Val] | None = None,
        bound: Val | None = None,
        inst: bool = False,
    ) -> None:
        self.taints = taints
        self.const = const
        self.qual = qual
        self.kind = kind
        self.elems = elems
        self.items = items
        self.attrs = attrs
        self.bound = bound
        self.inst = inst
        self._deep: Taints | None = None

    def replace(self, **changes) -> Val:
        fields = {name: getattr(self, name) for name in _FIELDS}
        fields.update(changes)
        return Val(**fields)

    @property
    def is_const(self) -> bool:
        return self.const is not NOCONST

    def deep(self) -> Taints:
        """Every taint in the value, its parts included."""
        if self._deep is None:
            deep = self.taints
            for part in self.parts():
                deep = merge(deep, part.deep())
            self._deep = deep
        return self._deep

    def parts(self):
        if self.elems:
            yield from self.elems
        if self.items:
            yield from self.items.values()
        if self.attrs:
            yield from self.attrs.values()

    @property
    def tainted(self) -> bool:
        return bool(self.deep())

    def constant(self) -> bool:
        """Built only from constants (a literal, a folded expression, a container of those)."""
        if self.const is not NOCONST:
            return True
        if self.deep() or self.qual is not None:
            return False
        if self.elems is not None and self.items is None and self.attrs is None:
            return all(e.constant() for e in self.elems)
        if self.items is not None and self.elems is None and self.attrs is None:
            return all(v.constant() for v in self.items.values())
        return False

    def same(self, other: Val) -> bool:
        """Equal as far as the analysis cares (for loop fixpoints)."""
        if self is other:
            return True
        if (self.const is not other.const and self.const != other.const) or self.qual != other.qual:
            return False
        if self.taints.keys() != other.taints.keys() or self.kind != other.kind:
            return False
        return _same_parts(self.elems, other.elems) and _same_map(self.items, other.items) and _same_map(
            self.attrs, other.attrs)

    def __repr__(self) -> str:  # for test failure messages
        bits = []
        if self.const is not NOCONST:
            bits.append(f"const={self.const!r}")
        if self.qual:
            bits.append(f"qual={self.qual}")
        if self.taints:
            bits.append("taints=" + ",".join(sorted(o.label for o, _ in self.taints)))
        if self.elems is not None:
            bits.append(f"elems={list(self.elems)!r}")
        if self.items is not None:
            bits.append(f"items={self.items!r}")
        if self.attrs:
            bits.append(f"attrs={self.attrs!r}")
        return "Val(" + " ".join(bits) + ")"


_FIELDS = ("taints", "const", "qual", "kind", "elems", "items", "attrs", "bound", "inst")


def _same_parts(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return len(a) == len(b) and all(x.same(y) for x, y in zip(a, b))


def _same_map(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return a.keys() == b.keys() and all(a[k].same(b[k]) for k in a)


CLEAN = Val()


def const(value: object) -> Val:
    return Val(const=value, kind=_kind_of(value))


def _kind_of(value: object) -> str | None:
    if isinstance(value, str):
        return "str"
    if isinstance(value, bytes):
        return "bytes"
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return "num"
    if isinstance(value, tuple):
        return "tuple"
    return None


def join(a: Val | None, b: Val | None) -> Val:
    """What a value is when control may come from either branch."""
    if a is None:
        return b if b is not None else CLEAN
    if b is None or a is b:
        return a
    if a.same(b):
        return a
    same_const = a.const is b.const or (a.const is not NOCONST and a.const == b.const
                                        and type(a.const) is type(b.const))
    elems = None
    taints = merge(a.taints, b.taints)
    if a.elems is not None and b.elems is not None and len(a.elems) == len(b.elems):
        elems = tuple(join(x, y) for x, y in zip(a.elems, b.elems))
    else:
        for side in (a, b):
            if side.elems:
                for e in side.elems:
                    taints = merge(taints, e.deep())
    items = _join_map(a.items, b.items)
    if items is None:
        for side in (a, b):
            if side.items:
                for v in side.items.values():
                    taints = merge(taints, v.deep())
    attrs = _join_map(a.attrs, b.attrs, partial=True)
    return Val(
        taints=taints,
        const=a.const if same_const else NOCONST,
        qual=a.qual if a.qual == b.qual else (a.qual or b.qual),
        kind=a.kind if a.kind == b.kind else None,
        elems=elems,
        items=items,
        attrs=attrs,
        bound=a.bound if a.bound is b.bound else None,
        inst=a.inst and b.inst,
    )


def _join_map(a: dict | None, b: dict | None, partial: bool = False) -> dict | None:
    """Items join key by key; a key known on one side only is still known (its other side is "absent",
    which reads as the container's other taints). Attributes join the same way."""
    if a is None and b is None:
        return None
    if a is None or b is None:
        return dict(a or b) if partial else None
    out = dict(a)
    for key, value in b.items():
        out[key] = join(out.get(key), value) if key in out else value
    return out
