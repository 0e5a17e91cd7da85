"""Who holds stock and what a ledger row refers to, in words, as narrow callbacks.

A hold names its owner as the code's pair (`owner_type`, `owner_id`), e.g. ("order",
"12"), and a ledger row its `reference`, e.g. an order number. The merchant reads
"order HT-10012" with a link, not "order 12". Inventory sits below orders and checkout
(docs/architecture.md, Layers) and never imports them: an owning context registers, in
its `AppConfig.ready()`,

- `describe` for its owner type: owner ids -> {owner id: Owner}, in one query;
- `reference_links`: references -> {reference: page URL} for the ones it knows, one query.

An owner type nobody registered reads as words ("a cart"), never as its id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Owner:
    kind: str  # "order", "a cart"
    label: str = ""  # "HT-10012"; empty when the kind says it all
    url: str = ""


Describer = Callable[[Collection[str]], dict[str, Owner]]
ReferenceLinks = Callable[[Collection[str]], dict[str, str]]

_describers: dict[str, Describer] = {}
_reference_links: list[ReferenceLinks] = []


def register(
    *,
    owner_type: str,
    describe: Describer,
    reference_links: ReferenceLinks | None = None,
) -> None:
    _describers[owner_type] = describe
    if reference_links is not None and reference_links not in _reference_links:
        _reference_links.append(reference_links)


def _in_words(owner_type: str) -> Owner:
    words = owner_type.replace("_", " ").strip() or "checkout"
    return Owner(kind=f"an {words}" if words[0] in "aeiou" else f"a {words}")


def describe(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Owner]:
    """Each (owner_type, owner_id) in words; one call (one query) per owner type."""
    ids: dict[str, set[str]] = defaultdict(set)
    for owner_type, owner_id in pairs:
        ids[owner_type].add(owner_id)
    out: dict[tuple[str, str], Owner] = {}
    for owner_type, owner_ids in ids.items():
        described = _describers[owner_type](owner_ids) if owner_type in _describers else {}
        for owner_id in owner_ids:
            out[owner_type, owner_id] = described.get(owner_id) or _in_words(owner_type)
    return out


def reference_links(references: Iterable[str]) -> dict[str, str]:
    """The page of each reference some context knows (an order number: its order page)."""
    wanted = {r for r in references if r}
    links: dict[str, str] = {}
    for find in _reference_links:
        if wanted:
            links.update(find(wanted))
    return links
