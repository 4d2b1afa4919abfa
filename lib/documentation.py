"""Is a piece of documentation substantive? (SH-2 step 1, SH-3; issue 20 §2.)

Django-free, so it is tested on its own. The 3-step protocol asks the department to
*document* the requester's right to know and need to know, and SH-3 asks for the
requester's written confirmation; "sworn", "x" and "ok" document nothing. These rules are
what a records officer would accept, read generally rather than against a list of
sentences:

* **substance**: words of the writer's own (three letters or more, not boilerplate such as
  "investigation", "case", "request"), a minimum number of them;
* **right to know** names its legal authority *and identifies it*: a court order, warrant or
  subpoena with its number; a statute with its code and section ("Penal Code 11105",
  "Civil Code 1798.90.55", "§ 830.1"); case law with its citation ("People v. Smith, 12
  Cal.4th 345"); or sworn status with the statute that confers it or the badge or serial
  number and agency that prove it;
* **need to know** ties the request to a case or investigation the requester is directly
  involved in: the request's case number or another identifier, and a few words of what
  happened and why these reads help;
* **confirmation** says, with a negation, that the data will not be used for immigration
  enforcement and not for reproductive-health prosecutions (both named).
"""

from __future__ import annotations

import re

from lib.screening import BOILERPLATE

_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_IDENTIFIER = re.compile(r"\b(?=[A-Za-z0-9.-]*\d)[A-Za-z0-9][A-Za-z0-9.:/-]{1,}\b")
_EXTRA_BOILERPLATE = {"yes", "yep", "sworn", "authority", "authorized", "authorised", "legal", "lawful", "right",
                      "know", "reason", "compelling", "involved", "involvement", "direct", "directly", "have", "has",
                      "they", "them", "their", "we", "us", "he", "she", "his", "her", "agency", "requester",
                      "requesting", "requested", "statute", "statutes", "code", "section", "law", "case", "order",
                      "court", "warrant", "subpoena", "status", "officer", "peace", "member", "detective"}
_STOP = BOILERPLATE | _EXTRA_BOILERPLATE

_INSTRUMENT = re.compile(r"\b(court\s+order|order\s+of\s+the\s+court|warrant|subpoena|subpena|writ)\b", re.I)
_STATUTE = re.compile(
    r"(§|\bsec(tion|t?\.)?\s*\d|\b(penal|government|gov(t)?\.?|civil|vehicle|veh\.?|evidence|evid\.?|"
    r"welfare\s+(and|&)\s+institutions|w\s*&\s*i|health\s+(and|&)\s+safety|h\s*&\s*s|business\s+(and|&)\s+"
    r"professions|code\s+of\s+civil\s+procedure|ccp|pc|gc|vc|cc|usc|u\.s\.c\.|cfr)\s*(code)?\s*(§|sec\w*\.?)?"
    r"\s*\d)", re.I)
_CASE_LAW = re.compile(r"\b[A-Z][\w.'-]+\s+v\.?\s+[A-Z][\w.'-]+.*\d", re.S)
_SWORN = re.compile(r"\b(sworn|peace\s+officer|deputy|detective|officer|sergeant|sgt|lieutenant|agent)\b", re.I)
_BADGE = re.compile(r"\b(badge|serial|id|employee|star|p\.?o\.?s\.?t\.?)\s*(no\.?|number|#)?\s*:?\s*#?\s*\d+", re.I)

RIGHT_MIN_WORDS = 2
NEED_MIN_WORDS = 5
CONFIRMATION_MIN_WORDS = 8


def own_words(text: str) -> list[str]:
    """The words that carry information: three letters or more, not boilerplate."""
    return [w for w in _WORD.findall(text or "") if len(w) >= 3 and w.lower().strip("'’") not in _STOP]


def _identifiers(text: str) -> list[str]:
    return _IDENTIFIER.findall(text or "")


def right_to_know_problem(text: str) -> str:
    """Why this does not document a right to know ('' when it does)."""
    text = (text or "").strip()
    kinds = []
    if _INSTRUMENT.search(text):
        kinds.append("instrument")
    if _STATUTE.search(text):
        kinds.append("statute")
    if _CASE_LAW.search(text):
        kinds.append("case law")
    if _SWORN.search(text):
        kinds.append("sworn")
    if not kinds:
        return ("Name the legal authority for the right to know: a court order, warrant or subpoena and its "
                "number, a statute and its section, case law and its citation, or sworn status and what proves it "
                "(SH-2 step 1).")
    if not _identifiers(text):
        return ("Identify the authority: the order's or warrant's number, the code section, the case citation, or "
                "the badge or serial number that proves sworn status (SH-2 step 1).")
    if kinds == ["sworn"] and not (_STATUTE.search(text) or _BADGE.search(text)):
        return ("Sworn status is documented by the statute that confers it (e.g. Penal Code 830.1) or the badge "
                "or serial number and the agency (SH-2 step 1).")
    if len(own_words(text)) < RIGHT_MIN_WORDS:
        return ("Document the right to know in words of your own: whose authority, which agency, under what "
                f"(at least {RIGHT_MIN_WORDS} words beyond the boilerplate; SH-2 step 1).")
    return ""


def need_to_know_problem(text: str, *, case_number: str = "") -> str:
    """Why this does not document a need to know ('' when it does)."""
    text = (text or "").strip()
    normalised = re.sub(r"[^A-Z0-9]", "", text.upper())
    case = re.sub(r"[^A-Z0-9]", "", (case_number or "").upper())
    tied = (case and case in normalised) or bool(_identifiers(text))
    if not tied:
        return ("Tie the need to know to the case or investigation the requester is directly involved in: give "
                "its case or incident number (SH-2 step 1).")
    if len(own_words(re.sub(re.escape(case_number), " ", text, flags=re.I) if case_number else text)) \
            < NEED_MIN_WORDS:
        return ("Say why the requester needs these reads: what happened, their part in the investigation and how "
                f"the reads help (at least {NEED_MIN_WORDS} words beyond the case number and boilerplate; "
                "SH-2 step 1).")
    return ""


_IMMIGRATION_WORDS = re.compile(r"immigra|deport|\bice\b|customs\s+enforcement|border", re.I)
_REPRODUCTIVE_WORDS = re.compile(r"reproducti|abortion|pregnan", re.I)
_NEGATIONS = re.compile(r"\b(not|never|no|nor|neither|none|n't|cannot|won't|shall\s+not|will\s+not|refrain|"
                        r"prohibit\w*|exclud\w*|except)\b|n't\b", re.I)


def confirmation_problem(text: str) -> str:
    """Why this is not the written confirmation SH-3 asks for ('' when it is)."""
    text = (text or "").strip()
    missing = [what for what, pattern in (("federal immigration enforcement", _IMMIGRATION_WORDS),
                                          ("reproductive-health prosecutions", _REPRODUCTIVE_WORDS))
               if not pattern.search(text)]
    if missing:
        return ("The written confirmation must state that the data will not be used for " + " nor for ".join(missing)
                + " (SH-3).")
    if not _NEGATIONS.search(text):
        return "The written confirmation must say the data will NOT be used for those purposes (SH-3)."
    if len(_WORD.findall(text)) < CONFIRMATION_MIN_WORDS:
        return "The written confirmation is a statement in full sentences from the requester (SH-3)."
    return ""
