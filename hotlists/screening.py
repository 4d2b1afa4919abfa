"""Issue 19 §5: what the policy lets in from a downloaded list, by the entry's category,
and which list subscriptions may be enabled at all (HL-1, SH-3, Q-6).

Downloaded lists carry a category per row: an NCIC file (Vehicle File, License Plate
File, Wanted Person File, Missing Person File, Immigration Violator File ...) or a
CA DOJ category (felony wants, stolen plates, stolen vehicles ...). A row is dropped at
import when its category

* is named in ALPR_FEED_PROHIBITED_CATEGORIES (by default the NCIC Immigration Violator
  File, code VIF/IVF), or
* contains a word from ALPR_FEED_PROHIBITED_TERMS (immigration, deportation, removal,
  reproductive health, abortion: SH-3 and Q-6 forbid that use outright), or
* is not one of ALPR_FEED_PERMITTED_CATEGORIES (HL-1 lists the only lists the department
  may use; a category it does not name is out of policy).

A row without a category belongs to the list it came in, and the list itself can only
be enabled when its source is permitted (`source_permitted`), so it is kept.

Names are compared loosely (case, punctuation, "NCIC"/"CA DOJ"/"file"/"list" and plural
endings do not matter) so that "NCIC Stolen Vehicle File", "stolen vehicles" and
"STOLEN VEHICLE" are one category.
"""

from __future__ import annotations

import re

from django.conf import settings

# The sources HL-1 names. ALPR_HOTLIST_PERMITTED_SOURCES may narrow this, never widen it
# (hotlists.checks refuses a setting that names anything else).
HL1_SOURCES = ("svs", "ncic", "doj_felony_wants", "doj_stolen_plates", "doj_stolen_vehicles", "amber", "silver",
               "blue", "custom_bolo")

_NOISE_WORDS = {"ncic", "doj", "ca", "cal", "file", "files", "list", "lists", "the", "category", "record", "records"}

DROPPED_PROHIBITED = "prohibited category"
DROPPED_NOT_HL1 = "category not permitted by HL-1"


def normalize_category(text: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).split()
    kept = []
    for word in words:
        if word in _NOISE_WORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]  # wants/want, vehicles/vehicle, plates/plate, persons/person
        kept.append(word)
    return " ".join(kept)


def _terms_pattern():
    terms = [re.escape(t.strip().lower()) for t in settings.ALPR_FEED_PROHIBITED_TERMS if t.strip()]
    # A term is a word start: "removal" matches "Removal order", "immigra" matches "immigration".
    return re.compile(r"\b(" + "|".join(terms) + r")", re.IGNORECASE) if terms else None


def prohibited_refusal(text: str) -> str | None:
    """DROPPED_PROHIBITED when the text names a prohibited category or term, else None.
    Also applied to the reason of a row whose file has no category column: extracts put
    the category in a "type" or "reason" column too, and a prohibited one must not slip
    in that way (a free-text reason is not held to the HL-1 list of names, though)."""
    if not (text or "").strip():
        return None
    if normalize_category(text) in {normalize_category(c) for c in settings.ALPR_FEED_PROHIBITED_CATEGORIES}:
        return DROPPED_PROHIBITED
    pattern = _terms_pattern()
    if pattern is not None and pattern.search(text):
        return DROPPED_PROHIBITED
    return None


def category_refusal(category: str) -> str | None:
    """Why a row of this category is dropped (a label for the import record), or None
    when the row may be entered. An empty category is kept (see the module docstring)."""
    if not (category or "").strip():
        return None
    if prohibited_refusal(category):
        return DROPPED_PROHIBITED
    key = normalize_category(category)
    permitted = {normalize_category(c) for c in settings.ALPR_FEED_PERMITTED_CATEGORIES}
    if key not in permitted:
        return DROPPED_NOT_HL1
    return None


def permitted_sources() -> set[str]:
    """HL-1 sources the department subscribes to (ALPR_HOTLIST_PERMITTED_SOURCES ∩ HL-1)."""
    return set(settings.ALPR_HOTLIST_PERMITTED_SOURCES) & set(HL1_SOURCES)


def source_permitted(source: str) -> bool:
    return source in permitted_sources()
