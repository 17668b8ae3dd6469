"""Fictional buyers for the demo seller, drawn from small built-in lists (no Faker).

Every name, phone, email and street address handed out is remembered by `PeoplePool`, so the
generator can write them to pii_canaries.json and tests can prove none reaches the warehouse in clear.
Phones use the 555-01xx range reserved for fiction; emails use the example.* domains (RFC 2606).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FIRST_NAMES = (
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Mateo", "Sophia", "Elijah", "Isabella", "Lucas", "Mia", "Ethan",
    "Harper", "Aiden", "Evelyn", "Jackson", "Camila", "Levi", "Luna", "Sebastian", "Aaliyah", "Kenji", "Priya",
    "Tyrone", "Maribel", "Dmitri", "Keisha", "Nguyen", "Fatima", "Declan", "Rosalind", "Thaddeus", "Imani",
    "Bartholomew", "Esperanza", "Quentin", "Marisol", "Ezekiel", "Yolanda", "Cornelius",
)
LAST_NAMES = (
    "Abernathy", "Castellano", "Okonkwo", "Whitfield", "Delacroix", "Haverford", "Nakamura", "Ostrowski",
    "Pemberton", "Quintanilla", "Rasmussen", "Szymanski", "Thistlewood", "Umberger", "Vandermeer",
    "Wojciechowski", "Yarborough", "Zamorano", "Blackwood", "Fairweather", "Galloway", "Hollingsworth",
    "Kowalczyk", "Lindqvist", "Montgomery", "Northcott", "Oyelaran", "Pettigrew", "Runnels", "Stavros",
)
STREET_NAMES = (
    "Juniper Hollow Rd", "Marigold Crest Dr", "Old Quarry Ln", "Pelican Bay Ct", "Sycamore Bend Way",
    "Thornbury Ave", "Willow Creek Pkwy", "Harborview Ter", "Copperfield St", "Larkspur Loop",
    "Bramblewood Cir", "Cedar Knoll Blvd", "Foxglove Trl", "Kingfisher Pl", "Moonstone Ridge Rd",
    "Quail Run Dr", "Silverleaf Ave", "Tamarack Ct", "Whispering Pines Ln", "Yellowbrick Rd",
)
# (city, state name, state code, ZIP prefix, area code) — a spread of real US metros.
CITIES = (
    ("Los Angeles", "California", "CA", "900", "213"), ("San Diego", "California", "CA", "921", "619"),
    ("Houston", "Texas", "TX", "770", "713"), ("Dallas", "Texas", "TX", "752", "214"),
    ("Miami", "Florida", "FL", "331", "305"), ("Orlando", "Florida", "FL", "328", "407"),
    ("Brooklyn", "New York", "NY", "112", "718"), ("Chicago", "Illinois", "IL", "606", "312"),
    ("Atlanta", "Georgia", "GA", "303", "404"), ("Phoenix", "Arizona", "AZ", "850", "602"),
    ("Seattle", "Washington", "WA", "981", "206"), ("Denver", "Colorado", "CO", "802", "303"),
    ("Charlotte", "North Carolina", "NC", "282", "704"), ("Columbus", "Ohio", "OH", "432", "614"),
    ("Newark", "New Jersey", "NJ", "071", "973"), ("Boston", "Massachusetts", "MA", "021", "617"),
    ("Philadelphia", "Pennsylvania", "PA", "191", "215"), ("Nashville", "Tennessee", "TN", "372", "615"),
    ("Las Vegas", "Nevada", "NV", "891", "702"), ("Portland", "Oregon", "OR", "972", "503"),
)
# Combined state + local sales-tax rates, rounded; used only to make Taxes plausible.
STATE_TAX = {"CA": 0.0875, "TX": 0.0825, "FL": 0.07, "NY": 0.08875, "IL": 0.1025, "GA": 0.089, "AZ": 0.086,
             "WA": 0.1025, "CO": 0.0881, "NC": 0.0725, "OH": 0.075, "NJ": 0.06625, "MA": 0.0625,
             "PA": 0.08, "TN": 0.0975, "NV": 0.08375, "OR": 0.0}
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    phone_digits: str  # 10 digits, 555-01xx exchange
    email: str
    street: str  # house number + street name
    unit: str  # "" or "Apt 4B"
    city: str
    state: str
    state_code: str
    zipcode: str
    username: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def masked_name(self) -> str:
        return f"{self.first[0]}**** {self.last[0]}****"


class PeoplePool:
    """A fixed population of buyers; orders draw buyers from it (so repeat buyers exist)."""

    def __init__(self, rng: np.random.Generator, size: int = 2500):
        people = []
        for i in range(size):
            first = FIRST_NAMES[rng.integers(len(FIRST_NAMES))]
            last = LAST_NAMES[rng.integers(len(LAST_NAMES))]
            city, state, code, zip3, area = CITIES[rng.integers(len(CITIES))]
            # 555-0100..0199 is the fictional range; the area code varies, so phones stay unique enough.
            phone = f"{area}5550{rng.integers(100, 200):03d}"
            number = int(rng.integers(100, 9900))
            street = f"{number} {STREET_NAMES[rng.integers(len(STREET_NAMES))]}"
            unit = f"Apt {rng.integers(1, 40)}{'ABCD'[rng.integers(4)]}" if rng.random() < 0.3 else ""
            zipcode = f"{zip3}{rng.integers(0, 100):02d}"
            email = f"{first.lower()}.{last.lower()}{i % 97}@{EMAIL_DOMAINS[i % 3]}"
            username = f"{first.lower()}{last.lower()[:3]}{rng.integers(10, 9999)}"
            people.append(Person(first, last, phone, email, street, unit, city, state, code, zipcode, username))
        self.people = people
        self._written: dict[str, set[int]] = {f: set() for f in CANARY_FIELDS}

    def pick(self, idx: np.ndarray) -> list[Person]:
        return [self.people[int(i)] for i in idx]

    def record(self, idx: np.ndarray, fields: tuple[str, ...]) -> None:
        """Remember that these people's `fields` were written in clear to some file."""
        ids = {int(i) for i in np.asarray(idx).ravel()}
        for f in fields:
            self._written[f].update(ids)

    def canaries(self) -> dict[str, list[str]]:
        """The clear-text personal values that were written to some file, by kind."""
        get = {"names": lambda p: p.name, "phones": lambda p: p.phone_digits, "emails": lambda p: p.email,
               "street_addresses": lambda p: p.street, "usernames": lambda p: p.username}
        out = {f: sorted({get[f](self.people[i]) for i in self._written[f]}) for f in get}
        # Phones as the files spell them, for a plain substring search of raw tables.
        out["phones_as_written"] = sorted({format_phone_tiktok(self.people[i]) for i in self._written["phone_tiktok"]}
                                          | {format_phone_us(self.people[i]) for i in self._written["phone_us"]})
        return out


CANARY_FIELDS = ("names", "phones", "emails", "street_addresses", "usernames", "phone_tiktok", "phone_us")


def format_phone_tiktok(p: Person) -> str:
    return f"(+1){p.phone_digits}"


def format_phone_us(p: Person) -> str:
    d = p.phone_digits
    return f"+1 {d[:3]}-{d[3:6]}-{d[6:]}"
