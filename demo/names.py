"""Company-like names for the demo, drawn from word lists with the caller's random generator."""

from __future__ import annotations

import random

_BRAND_STARTS = (
    "North", "Blue", "Silver", "Green", "Iron", "Bright", "Oak", "Stone", "Red", "Clear",
    "High", "West", "East", "Summit", "River", "Sun", "Star", "Pine", "Cedar", "Golden",
    "Swift", "True", "Key", "Peak", "Harbor", "Crown", "Maple", "Lake", "Fair", "Nova",
)  # fmt: skip
_BRAND_ENDS = (
    "field", "gate", "line", "bridge", "wood", "crest", "point", "view", "stone", "well",
    "haven", "ridge", "way", "port", "brook", "vale", "mark", "light", "path", "side",
)  # fmt: skip
_SURNAMES = (
    "Halvorsen", "Lindqvist", "Moreau", "Fischer", "Bergmann", "Castellano", "Novak", "O'Brien",
    "Jansen", "Dubois", "Ricci", "Kowalski", "Nielsen", "Schubert", "Almeida", "Varga", "Keller",
    "Lambert", "Müller", "Ferreira", "Haddad", "Petrov", "Andersson", "Costa", "Weber", "Rossi",
    "Laurent", "Vidal", "Horvat", "Eriksen", "Brennan", "Vogel", "Marchetti", "Santos", "Kruger",
    "Aziz", "Leclerc", "Svensson", "Navarro", "Dekker", "Quinn", "Baptiste", "Hartmann", "Romano",
)  # fmt: skip
_GROUP_WORDS = ("Group", "Holding", "International", "Partners")
_SECTOR_WORDS: dict[str, tuple[str, ...]] = {
    "retail": ("Retail", "Stores", "Markets", "Outfitters", "Home & Living", "Fashion"),
    "healthcare": ("Health", "Clinics", "Medical", "Care", "Diagnostics", "Pharma"),
    "financial_services": ("Bank", "Capital", "Insurance", "Finance", "Credit", "Wealth"),
    "logistics": ("Logistics", "Freight", "Transport", "Shipping", "Couriers", "Cargo"),
    "manufacturing": ("Industries", "Manufacturing", "Components", "Machinery", "Plastics"),
    "software": ("Software", "Labs", "Digital", "Cloud", "Systems", "Analytics"),
    "hospitality": ("Hotels", "Resorts", "Travel", "Hospitality", "Dining", "Cruises"),
    "education": ("Academy", "Learning", "College", "Schools", "Education", "Institute"),
    "telecom": ("Telecom", "Networks", "Mobile", "Broadband", "Connect", "Fiber"),
    "energy": ("Energy", "Power", "Utilities", "Renewables", "Grid", "Solar"),
    "aerospace": ("Aerospace", "Avionics", "Defence Systems", "Aviation"),
    "agriculture": ("Farms", "Agri", "Harvest", "Growers", "Seeds"),
}
# Legal entities a group registers abroad: a region and the legal form used there.
REGIONS: tuple[tuple[str, str], ...] = (
    ("Deutschland", "GmbH"), ("France", "SAS"), ("Nordics", "AB"), ("Iberia", "S.L."),
    ("Benelux", "B.V."), ("UK", "Ltd"), ("Italia", "S.r.l."), ("Polska", "Sp. z o.o."),
    ("Schweiz", "AG"), ("Österreich", "GmbH"), ("Ireland", "Ltd"), ("USA", "Inc."),
    ("Canada", "Inc."), ("Middle East", "FZ-LLC"), ("Saudi Arabia", "LLC"), ("Danmark", "ApS"),
    ("Norge", "AS"), ("Suomi", "Oy"), ("Portugal", "Lda."), ("Czechia", "s.r.o."),
)  # fmt: skip
_HOME_LEGAL_FORMS = ("GmbH", "SA", "Ltd", "AB", "B.V.", "AG", "Inc.", "S.p.A.", "plc")
_PLANS = ("Starter", "Growth", "Professional", "Enterprise")
ADD_ONS = ("Analytics", "WhatsApp channel", "Voice", "AI assistant", "Workforce management")


def _brand(rng: random.Random) -> str:
    return rng.choice(_BRAND_STARTS) + rng.choice(_BRAND_ENDS)


def _one_account_name(rng: random.Random, industry_id: str) -> str:
    sector = rng.choice(_SECTOR_WORDS[industry_id])
    pattern = rng.random()
    if pattern < 0.40:
        return f"{_brand(rng)} {sector}"
    if pattern < 0.65:
        return f"{rng.choice(_SURNAMES)} {sector}"
    if pattern < 0.85:
        first, second = rng.sample(_SURNAMES, 2)
        return f"{first} & {second}"
    return f"{_brand(rng)} {sector} {rng.choice(_GROUP_WORDS)}"


def account_name(rng: random.Random, industry_id: str, taken: set[str]) -> str:
    """A name not in ``taken`` (which it extends); the set is only asked, never iterated."""
    for _ in range(50):
        name = _one_account_name(rng, industry_id)
        if name not in taken:
            taken.add(name)
            return name
    # A very large scale can exhaust the combinations: a region keeps the name unique.
    base = _one_account_name(rng, industry_id)
    for region, _legal in REGIONS:
        name = f"{base} {region}"
        if name not in taken:
            taken.add(name)
            return name
    name = f"{base} {len(taken) + 1}"
    taken.add(name)
    return name


def company_names(rng: random.Random, account: str, count: int) -> list[str]:
    """The head office first, then subsidiaries in distinct regions (count <= len(REGIONS) + 1)."""
    names = [f"{account} {rng.choice(_HOME_LEGAL_FORMS)}"]
    for region, legal in rng.sample(REGIONS, count - 1):
        names.append(f"{account} {region} {legal}")
    return names


def plan_for(employees: float) -> str:
    """The plan a company of this size buys: larger companies buy the larger plans."""
    for plan, ceiling in zip(_PLANS, (50, 250, 2000), strict=False):
        if employees < ceiling:
            return plan
    return _PLANS[-1]


def upgraded(plan: str) -> str:
    index = _PLANS.index(plan)
    return _PLANS[min(index + 1, len(_PLANS) - 1)]
