"""The 16 Amazon Leadership Principles: canonical names, tag slugs and forgiving lookup."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Principle:
    """One Leadership Principle as the flagship deck names and tags it."""

    name: str
    slug: str
    """The flagship's tag is `lp::<slug>`; the personal deck uses the same tags."""
    aliases: tuple[str, ...] = ()
    """Short forms people write, accepted as the principle."""


PRINCIPLES: tuple[Principle, ...] = (
    Principle("Customer Obsession", "customer-obsession"),
    Principle("Ownership", "ownership"),
    Principle("Invent and Simplify", "invent-and-simplify"),
    Principle("Are Right, A Lot", "are-right-a-lot", ("Right a Lot",)),
    Principle("Learn and Be Curious", "learn-and-be-curious"),
    Principle("Hire and Develop the Best", "hire-and-develop", ("Hire and Develop",)),
    Principle("Insist on the Highest Standards", "highest-standards", ("Highest Standards",)),
    Principle("Think Big", "think-big"),
    Principle("Bias for Action", "bias-for-action"),
    Principle("Frugality", "frugality"),
    Principle("Earn Trust", "earn-trust"),
    Principle("Dive Deep", "dive-deep"),
    Principle(
        "Have Backbone; Disagree and Commit",
        "backbone",
        ("Disagree and Commit", "Have Backbone"),
    ),
    Principle("Deliver Results", "deliver-results"),
    Principle(
        "Strive to be Earth's Best Employer",
        "best-employer",
        ("Earth's Best Employer", "Best Employer"),
    ),
    Principle(
        "Success and Scale Bring Broad Responsibility",
        "broad-responsibility",
        ("Broad Responsibility", "Success and Scale"),
    ),
)

BY_NAME = {p.name: p for p in PRINCIPLES}
BY_SLUG = {p.slug: p for p in PRINCIPLES}

_NOT_ALNUM_RE = re.compile(r"[^a-z0-9]+")


def normalize(name: str) -> str:
    """Compare names without case, punctuation or `&`: `are right a lot` is `Are Right, A Lot`."""
    text = name.lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    return _NOT_ALNUM_RE.sub(" ", text).strip()


_LOOKUP: dict[str, Principle] = {}
for _p in PRINCIPLES:
    for _form in (_p.name, _p.slug, *_p.aliases):
        _LOOKUP[normalize(_form)] = _p


def resolve(name: str) -> Principle | None:
    """The principle a name means (full name, tag slug or a short form), if any."""
    return _LOOKUP.get(normalize(name))


def suggest(name: str) -> Principle | None:
    """The principle nearest to a misspelt name, or None when nothing is close."""
    key = normalize(name)
    close = difflib.get_close_matches(key, list(_LOOKUP), n=1, cutoff=0.6)
    if close:
        return _LOOKUP[close[0]]
    # A fragment such as `customer` is close to no whole name but starts one.
    starts = [p for k, p in _LOOKUP.items() if key and k.startswith(key)]
    return starts[0] if len({p.name for p in starts}) == 1 else None
