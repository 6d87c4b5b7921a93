"""Place names as the registries write them."""

from __future__ import annotations

import re

# Postal districts of the big towns carry a district suffix ("København Ø", "Odense M",
# "Aalborg Øst"); the town is the part before it. Other suffixes name other towns
# ("Nykøbing F" is not "Nykøbing M") and are kept.
_DISTRICT = re.compile(
    r"^(København|Frederiksberg|Aarhus|Århus|Odense|Aalborg|Esbjerg|Vejle|Kolding|Randers|Horsens)"
    r"\s+(K|V|Ø|N|S|C|M|NV|NØ|SV|SØ|Øst|Vest)$"
)


def danish_town(postal_district: str | None) -> str | None:
    """The town of a Danish postal district name: "København Ø" -> "København"."""
    if not postal_district or not postal_district.strip():
        return None
    text = " ".join(postal_district.split())
    match = _DISTRICT.match(text)
    return match.group(1) if match else text
