"""Q-6 screening of the reasons members type: Django-free, so it is tested on its own and
scored on a labelled set (`manage.py screening_eval`).

A keyword list is easy to walk around ("request from ice agents", "visitors to the womens
health clinic"). This reads a reason the way an auditor would, with four things:

* a lexicon per Q-6 category with synonyms, agencies' names and acronyms, matched on
  word stems (so "deportee", "deported", "deportation" are one entry) and on phrases whose
  words may sit a word or two apart ("terminated her pregnancy");
* case-aware acronyms: "ICE" is the agency, "ICE cream" and "black ice" are not; a
  lower-case "ice" is the agency only next to "agent", "detainer", "raid"...;
* cues: an enforcement intent (assist, on behalf of, prosecute, detain, report to), a
  group target (attendees, visitors, patients, all the vehicles...) and surveillance
  (track, monitor, keep tabs);
* lawful context: a listed crime, a victim, a witness or a missing person (Q-1) makes a
  protected place or group the *victim or location* of a crime (a burglary AT a clinic,
  an assault OUTSIDE a mosque), which is lawful.

Two outcomes besides allow: **refuse** (clearly prohibited) and **flag** (suspicious: it
runs, and the auditors see it). It cannot read minds; the auditors' sample covers the
rest (AU-2).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    ALLOW = "allow"
    FLAG = "flag"
    REFUSE = "refuse"


# Q-6 categories, in the policy's words (DGO I-12 C.3; REQUIREMENTS Q-6, SH-3).
PRIVACY = "privacy"
HARASSMENT = "harassment"
PROTECTED = "protected_characteristic"
PERSONAL = "personal_use"
FIRST_AMENDMENT = "first_amendment"
IMMIGRATION = "immigration"
REPRODUCTIVE = "reproductive_health"

CATEGORY_LABELS = {
    PRIVACY: "invasion of privacy",
    HARASSMENT: "harassment or intimidation",
    PROTECTED: "use based on a protected characteristic",
    PERSONAL: "personal use",
    FIRST_AMENDMENT: "infringing First Amendment rights",
    IMMIGRATION: "federal immigration enforcement",
    REPRODUCTIVE: "reproductive health care",
}
CATEGORIES = tuple(CATEGORY_LABELS)


@dataclass(frozen=True)
class Hit:
    category: str
    kind: str  # strong | sensitive | weak | agency | weak_agency
    phrase: str  # the words as typed


@dataclass(frozen=True)
class ScreeningResult:
    outcome: Outcome
    category: str = ""  # the deciding Q-6 category, "" when allowed
    rule: str = ""  # which rule decided (for the auditors and the evaluation)
    explanation: str = ""
    hits: tuple[Hit, ...] = field(default=())

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, "")

    @property
    def refused(self) -> bool:
        return self.outcome == Outcome.REFUSE

    @property
    def allowed(self) -> bool:
        return self.outcome == Outcome.ALLOW

    @property
    def flagged(self) -> bool:
        return self.outcome == Outcome.FLAG

    def message(self) -> str:
        """What the member is told (Q-6 named by category)."""
        if self.outcome == Outcome.ALLOW:
            return ""
        if self.refused:
            return (f"The stated reason reads as a prohibited use (Q-6): {self.category_label}. "
                    f"{self.explanation}").strip()
        return (f"Flagged for the auditors: the stated reason may be a prohibited use (Q-6): "
                f"{self.category_label}. {self.explanation}").strip()


# --- words ----------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_SUFFIXES = ("ational", "ations", "ation", "ements", "ement", "ments", "ment", "ances", "ance", "ences", "ence",
             "ings", "ing", "ers", "ors", "ees", "edly", "ed", "er", "or", "ee", "ies", "es", "ly", "s")


def stem(word: str) -> str:
    """A small suffix-stripper: enough that a word's forms meet at one stem
    (protesters/protesting/protest, harassment/harassed, deportee/deportation)."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.rstrip("'")
    if len(w) <= 3:
        return w
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "s" and w[-2] in "sui":
                break
            if suffix == "ies":
                w = w[:-3] + "y"
                break
            w = w[: -len(suffix)]
            break
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 5 and w.endswith("at"):
        w = w[:-2]
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "sl":
        w = w[:-1]
    return w


@dataclass(frozen=True)
class Token:
    text: str
    lower: str
    stem: str


# Hyphenated words that mean something else apart ("sit-in" is not "sit in the car").
_COMPOUNDS = re.compile(r"\b(sit|teach|walk|die)-(in|ins|out|outs)\b", re.IGNORECASE)


def tokenize(text: str) -> list[Token]:
    """Words with their lower case (possessive dropped: "people's" is "people") and stem."""
    text = _COMPOUNDS.sub(lambda m: m.group(1) + m.group(2), text or "")
    return [Token(m.group(0), re.sub(r"'s?$", "", m.group(0).lower().replace("’", "'")), stem(m.group(0)))
            for m in _WORD.finditer(text.replace("-", " "))]


# --- the lexicon ------------------------------------------------------------------------------
# Entries are written as plain words; they are stemmed once at import. "*" inside a phrase
# stands for any one or two words (the gap). Kinds:
#   strong     names the prohibited use itself (deportation, abortion, "my ex"): refuse
#              unless the reason also has a lawful context (then flag)
#   sensitive  a protected activity or place whose presence is itself the target (a
#              protest, a mosque, an abortion clinic): refuse unless lawful context
#   agency     an immigration-only agency (ICE, CBP, Border Patrol): refuse unless lawful
#   weak_agency  a federal agency that is not only immigration (DHS, HSI): flag; refuse
#              with an enforcement intent
#   weak       a sensitive word that is often innocent (pregnant, journalist, Hispanic):
#              refuse with an intent cue and no lawful context; flag alone

LEXICON: dict[str, dict[str, list[str]]] = {
    IMMIGRATION: {
        "strong": [
            "immigration", "immigrant status", "deport", "deportation", "deportee", "deportable",
            "removal proceeding", "removal order", "removal hearing", "removal case", "ordered removed",
            "expedited removal", "visa overstay", "overstay", "overstayed", "overstayer", "expired visa",
            "undocumented", "illegal alien", "illegal immigrant", "illegals", "unlawfully present",
            "unlawful presence", "out of status", "without papers", "no papers", "green card", "alien registration",
            "detainer", "287 g", "la migra", "migra", "citizenship status", "immigration status", "legal status",
            "sanctuary", "asylum", "asylee", "asylum seeker", "border crosser", "crossed the border",
            "entered illegally", "without inspection", "crossed into the us", "crossed into the united states",
            "entered the country", "in the country illegally", "here illegally", "in the us illegally",
            "us citizen", "u s citizen", "american citizen", "is a citizen", "legal resident", "permanent resident",
            "visa * expired", "visa * expire",
            "illegal entry", "foreign national", "foreign nationals", "not a citizen", "non citizen", "noncitizen",
            "visa status", "student visa", "tourist visa", "visa holder", "work permit", "naturalization", "alien",
        ],
        "agency": [
            "immigration and customs enforcement", "customs and border protection", "border patrol",
            "enforcement and removal operations", "citizenship and immigration services", "uscis", "cbp",
            "federal immigration", "immigration agent", "immigration officer", "border agent", "border officer",
        ],
        "weak_agency": [
            "homeland security", "department of homeland security", "dhs", "hsi", "federal agent", "federal agents",
            "feds", "federal officer", "federal task force", "customs", "customs officer", "customs agent",
        ],
        "weak": ["immigrant", "migrant", "refugee", "newcomer", "nationality", "citizenship", "passport", "consulate"],
    },
    REPRODUCTIVE: {
        "strong": [
            "abortion", "abortions", "terminate * pregnancy", "termination * pregnancy",
            "end * pregnancy", "ended * pregnancy", "pregnancy termination", "abortion pill", "mifepristone",
            "misoprostol", "self managed abortion", "medication abortion", "induced miscarriage",
            "reproductive health", "reproductive care", "reproductive service", "reproductive", "gender affirming care",
            "gender affirming", "plan b", "morning after pill", "abortion provider", "abortion fund",
        ],
        "sensitive": [
            "planned parenthood", "women's health clinic", "womens health clinic", "women health clinic",
            "women's health center", "womens health center", "women's clinic", "womens clinic", "family planning",
            "abortion clinic", "reproductive clinic", "reproductive health clinic", "pregnancy clinic",
            "fertility clinic", "ob gyn", "obgyn", "gynecologist", "gynecology",
        ],
        "weak": [
            "pregnancy", "pregnant", "miscarriage", "miscarried", "stillbirth", "fetus", "fetal", "contraception",
            "contraceptive", "birth control", "clinic", "termination", "doula", "midwife", "ivf", "prenatal",
        ],
    },
    FIRST_AMENDMENT: {
        "sensitive": [
            "protest", "protests", "protester", "protestor", "demonstration", "demonstrator", "rally", "rallies",
            "marcher", "vigil", "picket", "picket line", "walkout", "sitin", "teachin", "diein", "boycott",
            "march * against",
            "march * for", "town hall", "city council meeting", "council meeting", "school board meeting",
            "public meeting", "political meeting", "campaign event", "campaign rally", "union meeting",
            "organizing meeting", "press conference", "religious service", "religious gathering", "worship",
            "worshipper", "worshiper", "church", "churchgoer", "mosque", "masjid", "synagogue", "temple",
            "gurdwara", "cathedral", "chapel", "prayer", "prayers", "congregation", "congregant", "bible study",
            "ramadan", "eid", "black lives matter", "blm", "antifa", "occupy", "free speech",
            "first amendment", "political speech", "newsroom", "copwatch", "cop watch", "filming police",
            "filmed police", "filming officers", "filmed officers", "recording police", "recorded officers",
            "filmed us", "filming us", "recorded us", "recording us",
        ],
        "weak": [
            "journalist", "reporter", "news crew", "newspaper", "editor", "photojournalist", "blogger",
            "podcaster", "press pass", "activist", "organizer", "advocate", "petition", "leaflet",
            "op ed", "critic", "criticized", "pastor", "imam", "rabbi", "priest", "clergy", "parishioner",
        ],
    },
    PROTECTED: {
        "strong": [
            "race", "racial", "ethnicity", "ethnic", "religion", "religious affiliation", "sexual orientation",
            "gender identity", "national origin", "political affiliation", "political views", "party affiliation",
            "skin color", "skin colour", "profiling", "racial profile", "looks foreign",
            "look foreign", "looked foreign",
            "looks mexican", "speaks spanish", "spanish speaking", "foreign looking", "middle eastern looking",
            # Issue 20 §5: the characteristics 002 (Use Policy, Restriction on Use 3) names that the
            # list lacked: gender, political affiliation, disability, in their general wordings.
            "gender", "genders", "biological sex", "sex of the driver", "sex of the owner", "their sex",
            "his sex", "her sex", "gender expression", "because * is a woman", "because * is a female",
            "because * is female", "because * is a man", "because she is a woman", "female drivers",
            "women drivers", "woman drivers", "male drivers", "lady drivers", "gender non conforming",
            "political party", "political parties", "party membership", "party member", "political leaning",
            "political leanings", "political belief", "political beliefs", "political opinion",
            "political opinions", "political ideology", "political persuasion", "political orientation",
            "politics", "voter registration", "registered democrat", "registered republican", "registered voter",
            "party registration", "voted for", "who they vote for", "left wing", "right wing",
            "disability", "disabilities", "disability status", "handicap", "handicapped", "disabled person",
            "disabled people", "disabled driver", "disabled drivers", "impairment", "impaired person",
            "mental illness", "mental health condition", "psychiatric condition", "special needs",
        ],
        "weak": [
            "muslim", "muslims", "islam", "islamic", "arab", "arabic", "jewish", "jew", "jews", "sikh", "hindu",
            "buddhist", "christian", "catholic", "evangelical", "mormon", "hispanic", "latino", "latina", "latinx",
            "mexican", "salvadoran", "guatemalan", "honduran", "central american", "somali", "ethiopian",
            "eritrean", "afghan", "iranian", "iraqi", "syrian", "palestinian", "chinese", "vietnamese", "filipino",
            "korean", "african american", "african", "asian", "middle eastern", "north african",
            "people of color", "minority", "minorities",
            "gay", "lesbian", "bisexual", "transgender", "trans", "queer", "lgbt", "lgbtq", "drag", "pride",
            "homosexual", "disabled", "wheelchair", "mentally ill", "autistic", "deaf",
            "blind person", "blind driver", "visually impaired", "hearing impaired", "amputee", "paraplegic",
            "quadriplegic", "mobility scooter", "disabled placard", "disability placard", "handicap placard",
            "placard", "down syndrome", "schizophrenic", "bipolar", "nonbinary", "non binary", "genderqueer",
            "feminist", "feminists",
            "democrat", "democratic party", "republican", "socialist", "communist", "libertarian", "maga",
            "green party", "liberals", "conservatives", "progressives", "leftist", "leftists",
            "right winger", "campaign sign", "yard sign", "campaign sticker", "political sticker",
            "trump supporter", "biden supporter", "hijab", "headscarf", "turban", "yarmulke", "rainbow flag",
            "bumper sticker", "black men", "black males", "black people", "black residents", "black drivers",
            "black youth", "black community", "black neighborhood", "brown people",
        ],
    },
    PERSONAL: {
        # About the member, not a crime: no lawful context excuses these.
        "strong": [
            "my ex", "my wife", "my husband", "my spouse", "my girlfriend", "my boyfriend", "my fiance",
            "my fiancee", "my neighbor", "my neighbour", "my daughter", "my son", "my sister", "my brother",
            "my mother", "my mom", "my father", "my dad", "my cousin", "my friend", "my buddy", "my landlord",
            "my tenant", "my roommate", "my date", "my family", "my kid", "my child", "my aunt", "my uncle",
            "my niece", "my nephew", "my in laws", "my ex wife", "my ex husband", "my former",
            "my relative", "my coworker", "my co worker", "my colleague", "my boss", "my stepdaughter",
            "my stepson", "my kids", "my children", "personal reason", "personal matter", "personal use",
            "personal business", "personal interest", "personal curiosity", "for myself", "just curious",
            "out of curiosity", "for a friend", "a friend asked", "friend of mine", "favor for", "favour for",
            "as a favor", "as a favour", "side job", "side business", "private investigator client",
            "for a private investigator", "private investigator asked", "relative of mine",
            "family member of mine", "cut me off", "owes me", "owe me", "scratched my", "dinged my",
        ],
        # Often the member's own business, sometimes a crime's facts (an off-duty witness, a
        # car stolen from a repo lot): flagged alone, refused with an intent.
        "weak": ["ex wife", "ex husband", "ex girlfriend", "ex boyfriend", "ex partner", "custody dispute", "my spot",
                 "my car", "my house", "my home", "my driveway", "my street", "my block", "my yard", "my property",
                 "my parking", "my garage", "my building", "off duty", "curiosity", "curious",
                 "private investigator", "repossession", "repo", "bail bondsman", "debt collector"],
    },
    PRIVACY: {
        "strong": [
            "dating", "affair", "cheating", "cheat on", "romantic", "love life", "sleeping with", "spend * night",
            "spends * night", "spending * night", "daily routine", "pattern of life", "keep tabs", "keeping tabs",
            "what * up to", "for fun", "no reason", "no particular reason", "just to see", "just want to know",
            "just wanted to know", "out of interest", "celebrity", "famous", "influencer", "background check",
            "tenant screening", "employer asked", "insurance company", "insurance investigator", "lender",
            "medical appointment", "doctor's appointment", "doctor appointment", "therapist", "psychiatrist",
            "rehab center", "rehab facility",
            "who * seeing", "who visits", "who visited", "who comes and goes", "comings and goings",
            "private life", "social life", "hot girl", "cute girl", "pretty girl", "good looking", "sleeping over",
            "sleeps over", "stays over", "staying over", "i met", "met her at", "met him at",
            "fishing expedition", "just checking", "see where * goes",
            "where * goes at night", "everywhere * goes", "all * movements", "every movement",
        ],
        "sensitive": ["rehab", "aa meeting", "alcoholics anonymous", "narcotics anonymous", "gay bar", "strip club",
                      "methadone clinic", "needle exchange", "homeless shelter", "domestic violence shelter"],
        "weak": ["girlfriend", "boyfriend", "lover", "mistress", "councilmember", "councilwoman", "councilman",
                 "news anchor", "weather anchor", "tv anchor", "anchorman", "anchorwoman", "radio host",
                 "public figure", "tv personality",
                 "mayor", "judge", "politician", "candidate", "landlord", "tenant", "employer", "hospital"],
    },
    HARASSMENT: {
        "strong": [
            "harass", "harassment", "intimidate", "intimidation", "scare", "frighten", "teach * lesson",
            "send * message", "get back at", "payback", "pay back", "revenge", "retaliate", "retaliation",
            "rattle", "lean on", "pressure", "make * life hard", "make * life miserable", "make * life difficult",
            "let * know we", "bother", "annoy", "embarrass", "humiliate", "complainant", "filed a complaint",
            "filed complaint", "complained about", "complaint against",
            "ia complaint", "personnel complaint", "citizen complaint", "make * nervous",
            "make * uncomfortable", "lawsuit", "sued", "suing", "whistleblower", "stalk",
            "stalking", "hassle", "pull * over every", "stop * every time", "pretext stop", "internal affairs",
            "cop hater", "anti police",
        ],
    },
}

# Cues (stemmed like the lexicon).
ENFORCE = [
    "prosecute", "prosecution", "prosecutor", "charge", "charges", "criminal case against", "case against",
    "indict", "extradite", "extradition", "out of state", "another state", "other state", "texas", "idaho",
    "louisiana", "alabama", "mississippi", "oklahoma", "tennessee", "arkansas", "apprehend", "detain", "detention",
    "custody", "pick up", "hand over", "turn over", "report to", "notify", "assist", "on behalf of", "request from",
    "requested by", "asked by", "at the request of", "request of", "referral", "tip", "raid", "sweep", "roundup",
    "round up", "crackdown", "enforcement", "operation", "target list", "removal", "remove", "arrest", "help",
    "support", "coordinate with",
    "share with", "sharing with", "provide to", "for ice", "for cbp", "investigate", "investigation into", "punish",
    "cite", "citation", "penalty", "violated", "who had", "who obtained", "who provided", "who performed",
    "who got", "who helped", "helped her", "drove her", "travel", "traveled", "travelled", "trip", "obtain",
    "obtained", "provided", "providing", "performed", "performing",
]
# Matched on the words as typed (not stems): the plural is the point ("drivers", "patients").
GROUP_TARGET = [
    "attendees", "attendee", "attend", "attended", "attending", "attends", "attendance", "visitors", "visited",
    "visiting", "visit", "patients", "participants", "congregants", "members", "goers", "regulars", "crowd",
    "everyone", "everybody", "anyone", "all", "every", "those", "people", "persons", "individuals", "drivers",
    "residents", "families", "community", "neighborhood", "neighbourhood", "folks", "who went", "who was at",
    "who were at", "who came", "who showed up", "show up", "showed up", "going to", "went to", "goes to", "go to",
    "frequent", "frequents", "vehicles at", "cars at", "plates at", "vehicles of", "cars of", "plates of",
    "vehicles parked at", "cars parked at", "whoever", "women", "men", "staff", "employees", "doctors", "nurses",
    "providers", "volunteers", "youths", "kids", "teens", "guys", "males", "females", "vehicles with", "cars with",
    "plates with", "driven by", "owned by",
]
# Watching people over time, as against finding one vehicle: a protected place's people
# listed or tracked is a target even beside a crime.
MASS_SURVEIL = [
    "track", "monitor", "watch", "surveil", "surveillance", "keep tabs", "keep an eye", "map", "list", "log",
    "catalogue", "catalog", "compile", "database", "pattern", "movement",
]
SURVEIL = MASS_SURVEIL + ["follow", "identify", "who", "whose", "locate", "find", "check", "see if", "whether",
                          "where", "record"]
LAWFUL = [
    "burglary", "burglar", "burglarized", "burglarised", "break in", "broke into", "broken into", "robbery", "rob",
    "robbed", "robber", "theft", "thief", "stolen", "steal", "stole", "carjack", "carjacking", "vandal",
    "vandalism", "vandalized", "vandalised", "graffiti", "arson", "arsonist", "fire", "firebomb", "bomb",
    "bombing", "explosive", "threat", "threatened", "threatening", "assault", "assaulted", "attack", "attacked",
    "battery", "beaten", "beat", "shooting", "shot", "shooter", "gunfire", "stab", "stabbing", "stabbed",
    "homicide", "murder", "murdered", "killed", "killing", "manslaughter", "kidnap", "kidnapping", "kidnapped",
    "abduct", "abduction", "abducted", "hit and run", "collision", "crash", "hate crime", "damage", "damaged",
    "smash", "smashed", "loot", "looting", "missing", "runaway", "amber alert", "silver alert", "endangered",
    "at risk", "victim", "witness", "hostage", "rape", "raped", "sexual assault", "trafficking", "extortion",
    "extorted", "domestic violence", "restraining order", "protective order", "grand theft", "felony",
    "catalytic converter", "break ins", "smash and grab", "fled", "fleeing", "suspect vehicle", "pursuit",
    "shoplifting", "fraud", "forgery", "identity theft", "embezzlement", "ransacked", "tagged", "tagging",
    "defaced", "desecrated", "hate", "subpoena", "court order", "street race", "street racing", "sideshow",
    "drag racing", "search warrant", "arrest warrant", "felony warrant", "bench warrant", "injured", "wounded", "dead",
    "deceased", "body", "overdose", "stolen vehicle", "spray paint", "spray painted", "slur", "slurs", "swastika",
    "exposed himself", "indecent exposure", "lewd", "thrown", "threw", "molotov", "rock through", "brick through",
    "broke the window", "broken window", "struck", "rammed", "run over", "ran over", "hit by", "injuring", "injury",
    "assailant", "attacker", "perpetrator", "gunman", "robbers", "thieves", "looters", "intruder", "prowler",
    "getaway", "fled the scene", "left the scene", "evading", "evaded", "pepper spray", "knife", "gun", "firearm",
    "weapon", "armed", "brandish", "brandished", "punched", "kicked", "strangled", "choked", "raped", "molested",
    "molestation", "child abuse", "elder abuse", "burned", "torched",
]
# A lawful context does not excuse these: "my ex" is about the member, not a crime.
_NO_EXCUSE = {(PERSONAL, "strong")}

# Acronyms and words matched on the case as typed. "ICE" is the agency unless an innocent
# noun follows; a lower-case "ice" only beside one of the agency's own nouns.
_ICE_INNOCENT_NEXT = {"cream", "creams", "rink", "machine", "maker", "chest", "box", "cube", "cubes", "skating",
                      "hockey", "storm", "pick", "bucket", "age", "sculpture", "cold", "plant", "tea", "coffee",
                      "pop", "pops", "chips", "shaved", "water", "pack", "bag", "bags", "scraper", "dispenser",
                      "cooler", "fishing", "skater", "skaters", "cap", "caps", "sheet", "road"}
_ICE_AGENCY_NEAR = {"agent", "agents", "officer", "officers", "detainer", "detainers", "raid", "raids", "hold",
                    "holds", "custody", "enforcement", "ero", "hsi", "deportation", "deportations", "removal",
                    "warrant", "administrative", "facility", "detention", "field", "office", "request", "requested",
                    "asked", "wants", "want", "needs", "tip", "referral", "sweep", "operation", "task", "force",
                    "liaison", "contact", "investigator", "investigators", "supervisor", "team", "agency"}
_ICE_SERVED_AFTER = {"for", "from", "by", "help", "assist", "notify", "contact", "call", "alert", "tell", "inform"}
_ICE_SERVED_TO = {"report", "reported", "turn", "over", "hand", "give", "send", "provide", "refer", "referred",
                  "forward", "sent", "it", "him", "her", "them"}
_ICE_SERVED_WITH = {"working", "work", "coordinate", "coordinating", "partner", "partnering", "cooperate",
                    "cooperating", "liaise", "share", "sharing", "assisting"}
_CASE_ACRONYMS = {"ERO": (IMMIGRATION, "agency"), "INS": (IMMIGRATION, "agency"), "DHS": (IMMIGRATION, "weak_agency"),
                  "HSI": (IMMIGRATION, "weak_agency")}
_MONTHS_AFTER = re.compile(r"^\d")


def _compile(entries: list[str], *, exact: bool = False) -> list[tuple[tuple[str, ...], str]]:
    compiled = []
    for entry in entries:
        words = tuple("*" if w == "*" else (w.lower() if exact else stem(w)) for w in entry.replace("-", " ").split())
        compiled.append((words, entry))
    # Longest first, so "abortion clinic" is read before "abortion".
    compiled.sort(key=lambda item: -len([w for w in item[0] if w != "*"]))
    return compiled


_LEX = [(cat, kind, words, entry) for cat, kinds in LEXICON.items() for kind, entries in kinds.items()
        for words, entry in _compile(entries)]
_LEX.sort(key=lambda item: -len([w for w in item[2] if w != "*"]))
# One person described (a suspect's description may name race or religion): lawful for
# the weak words only; "suspected of an abortion" stays refused.
DESCRIBED = ["suspect", "described as", "description", "person of interest", "matches", "wanted for"]
_CUES = {"described": _compile(DESCRIBED), "enforce": _compile(ENFORCE),
         "group": _compile(GROUP_TARGET, exact=True), "surveil": _compile(SURVEIL),
         "mass_surveil": _compile(MASS_SURVEIL), "lawful": _compile(LAWFUL)}


def _match_at(tokens: list[Token], start: int, words: tuple[str, ...], used: set[int], exact: bool = False) -> int:
    """Match `words` beginning at tokens[start]; "*" is a gap of up to three words.
    Returns the end index (exclusive), or -1."""
    i = start
    for n, w in enumerate(words):
        if w == "*":
            continue
        gap = 3 if n > 0 and words[n - 1] == "*" else 0
        for j in range(i, min(i + gap, len(tokens) - 1) + 1):
            if j < len(tokens) and j not in used and (tokens[j].lower if exact else tokens[j].stem) == w:
                i = j + 1
                break
        else:
            return -1
    return i


def _find(tokens: list[Token], patterns, used: set[int] | None = None, consume: bool = False, exact: bool = False):
    used = used if used is not None else set()
    found = []
    for item in patterns:
        words = item[-2] if len(item) == 4 else item[0]
        for start in range(len(tokens)):
            if start in used:
                continue
            end = _match_at(tokens, start, words, used, exact)
            if end > 0:
                found.append((item, start, end))
                if consume:
                    used.update(range(start, end))
    return found


def _case_aware(tokens: list[Token]) -> list[tuple[Hit, int]]:
    hits = []
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1].lower if i + 1 < len(tokens) else ""
        prev = tokens[i - 1].lower if i > 0 else ""
        raw = re.sub(r"['’]s?$", "", tok.text)  # "ICE's" is ICE
        if tok.lower == "ice":
            agency_word_near = nxt in _ICE_AGENCY_NEAR or (i + 2 < len(tokens) and tokens[i + 2].lower in
                                                           {"agent", "agents", "officer", "officers"})
            if nxt in _ICE_INNOCENT_NEXT:
                continue
            # "for ice", "notify ice", "report to ice": the agency as the one served, whatever
            # the case typed ("due to ice on the road" is weather).
            before = tokens[i - 2].lower if i > 1 else ""
            served = prev in _ICE_SERVED_AFTER or (prev == "to" and before in _ICE_SERVED_TO) or (
                prev == "with" and before in _ICE_SERVED_WITH)
            if raw == "ICE" or agency_word_near or served:
                hits.append((Hit(IMMIGRATION, "agency", tok.text), i))
        elif raw in _CASE_ACRONYMS:
            category, kind = _CASE_ACRONYMS[raw]
            hits.append((Hit(category, kind, tok.text), i))
    return hits


@dataclass
class _Reading:
    hits: list[tuple[Hit, int]]
    cues: dict[str, list[int]]


def _read(text: str) -> _Reading:
    tokens = tokenize(text)
    used: set[int] = set()
    hits = _case_aware(tokens)
    used.update(i for _, i in hits)
    for (cat, kind, _words, _entry), start, end in _find(tokens, _LEX, used, consume=True):
        phrase = " ".join(t.text for t in tokens[start:end])
        # "March 3" is a month, "the march" an event.
        if tokens[start].lower == "march" and end < len(tokens) and _MONTHS_AFTER.match(tokens[end].text):
            continue
        hits.append((Hit(cat, kind, phrase), start))
    # Cues are read in the words the lexicon left: "women's health clinic" is a place,
    # not the group target "women".
    cues = {}
    for name, patterns in _CUES.items():
        cues[name] = [start for _item, start, _end in _find(tokens, patterns, set(used), exact=name == "group")]
    return _Reading(hits=hits, cues=cues)


# How a rule reads to the member and the auditor (the explanation names the words).
_KIND_WORDS = {"strong": "it names a prohibited use", "agency": "it names an immigration agency",
               "sensitive": "a protected activity, gathering or place is the target"}
_KIND_ORDER = {"strong": 0, "agency": 1, "sensitive": 2, "weak_agency": 3, "weak": 4}


def _decide(hit: Hit, reading: _Reading, all_hits: list[Hit]) -> tuple[Outcome, str]:
    lawful = bool(reading.cues["lawful"]) and (hit.category, hit.kind) not in _NO_EXCUSE
    enforce = bool(reading.cues["enforce"])
    group = bool(reading.cues["group"])
    surveil = bool(reading.cues["surveil"])
    if hit.kind == "sensitive" and lawful:
        # The protected place or gathering is the victim or location of a listed crime
        # (a burglary AT the clinic); lawful unless its people are also the target.
        if group or enforce or reading.cues["mass_surveil"]:
            return Outcome.FLAG, "a protected place or gathering beside a crime, with its people as the target"
        return Outcome.ALLOW, "a protected place or gathering as the victim or location of a crime"
    if hit.kind == "sensitive" and reading.cues["described"] and not (group or enforce):
        # "The suspect's car was seen at the mosque": following one suspect, perhaps; the
        # auditors look.
        return Outcome.FLAG, "a protected place or gathering beside a suspect"
    if hit.kind in ("strong", "agency", "sensitive"):
        if lawful:
            return Outcome.FLAG, f"{_KIND_WORDS[hit.kind]}, beside a crime"
        return Outcome.REFUSE, _KIND_WORDS[hit.kind]
    if hit.kind == "weak_agency":
        other_immigration = any(h.category == IMMIGRATION and h is not hit for h in all_hits)
        if (enforce or other_immigration) and not lawful:
            return Outcome.REFUSE, "a federal agency with an enforcement request"
        return Outcome.FLAG, "a federal agency is named"
    # weak. A protected group named in the plural ("Arabs", "Muslims") is itself a group target.
    group = group or (hit.category == PROTECTED and hit.phrase.lower().endswith("s"))
    if lawful or reading.cues["described"]:
        if (enforce and group) or (not lawful and (enforce or group)):
            return Outcome.FLAG, "a sensitive word beside a crime, with people as the target"
        return Outcome.ALLOW, "a sensitive word in the facts of a crime"
    if enforce or group or surveil:
        return Outcome.REFUSE, "a sensitive word with a target or an enforcement intent"
    return Outcome.FLAG, "a word that may point to a prohibited use"


def screen(text: str = "", *, fields: Mapping[str, str] | None = None,
           agency_fields: Mapping[str, str] | None = None) -> ScreeningResult:
    """Screen a reason and the structured fields of its request.

    `fields`: other free text of the request (vehicle description, major crime, need to
    know), read like the reason. `agency_fields`: who is asking (requesting agency, the
    requester's title): an immigration agency there is refused outright (SH-3)."""
    texts = [text or ""] + [v or "" for v in (fields or {}).values()]
    reading = _read("\n".join(texts))
    hits = [h for h, _ in reading.hits]
    for value in (agency_fields or {}).values():
        for h, _ in _read(value or "").hits:
            if h.category == IMMIGRATION and h.kind in ("agency", "weak_agency", "strong"):
                return ScreeningResult(Outcome.REFUSE, IMMIGRATION, "requester is an immigration agency",
                                       f"The requester ({value.strip()}) is a federal immigration agency (SH-3).",
                                       (*hits, h))
    # Other words in who asks (an agency named after a saint, a title) are not a use.
    if not hits:
        return ScreeningResult(Outcome.ALLOW, rule="no prohibited-use term")
    decisions = [(_decide(h, reading, hits), h) for h in hits]
    rank = {Outcome.REFUSE: 0, Outcome.FLAG: 1, Outcome.ALLOW: 2}
    (outcome, rule), hit = min(decisions, key=lambda d: (rank[d[0][0]], _KIND_ORDER[d[1].kind]))
    if outcome == Outcome.ALLOW:
        return ScreeningResult(Outcome.ALLOW, rule=rule, hits=tuple(hits))
    explanation = f'It mentions "{hit.phrase}" ({rule}).'
    return ScreeningResult(outcome, hit.category, rule, explanation, tuple(hits))


# --- search-reason quality (issue 19 part 2) ------------------------------------------------

BOILERPLATE = {
    "inv", "invest", "investigation", "investigations", "investigative", "investigate", "investigating", "case",
    "cases", "search", "searches", "searching", "query", "lookup", "look", "check", "checking", "plate", "plates",
    "vehicle", "vehicles", "veh", "car", "info", "information", "per", "re", "ref", "see", "report", "rpt",
    "incident", "ongoing", "official", "police", "business", "le", "law", "enforcement", "purpose", "purposes",
    "na", "none", "tbd", "routine", "follow", "up", "followup", "lead", "leads", "data", "needed", "need",
    "needs", "request", "requested", "related", "work", "duty", "patrol", "crime", "criminal", "matter", "reason",
    "reasons", "same", "above", "as", "for", "the", "a", "an", "of", "to", "in", "on", "and", "or", "with",
    "this", "that", "is", "it", "ok", "etc", "misc", "general", "other", "number", "no", "num", "nr", "pending",
    "open", "active", "file", "continuing", "continued", "assist", "assistance", "help", "dept",
    "department", "opd", "my", "our", "by", "from", "at", "be", "was", "sgt", "officer", "detective",
    "det", "test", "testing", "x", "xx", "xxx", "asdf", "blah", "stuff", "things", "thing", "because", "just",
}


def reason_problem(text: str, *, case_number: str = "", echoes: tuple[str, ...] = ()) -> str:
    """Why a search reason carries no information ('' if it does): boilerplate words, the
    case number typed again, or the chosen purpose or offence repeated (Q-1, Q-2).
    A reason says what happened or who is sought in at least two words of its own."""
    own = re.sub(re.escape(case_number), " ", text or "", flags=re.IGNORECASE) if case_number else (text or "")
    echoed = {stem(w) for e in echoes for w in _WORD.findall(e)}
    words = [m.group(0) for m in _WORD.finditer(own.replace("-", " "))]
    informative = [w for w in words if len(w) >= 3 and not any(c.isdigit() for c in w)
                   and w.lower() not in BOILERPLATE and stem(w) not in echoed]
    if len(informative) < 2:
        return ("The reason carries no information of its own: say what happened and what you are looking "
                "for (not 'investigation', the case number or the purpose again).")
    return ""


def reason_fingerprint(text: str, *, case_number: str = "") -> str:
    """A reason with its case number, case and punctuation removed: two searches with
    the same fingerprint were given the same words."""
    own = re.sub(re.escape(case_number), " ", text or "", flags=re.IGNORECASE) if case_number else (text or "")
    return " ".join(w.lower() for w in _WORD.findall(own))[:255]


# --- evaluation (manage.py screening_eval) ----------------------------------------------------

PROHIBITED_LABEL, LAWFUL_LABEL = "prohibited", "lawful"


def evaluate(rows) -> dict:
    """Score labelled rows (dicts with text, label, category): the share of prohibited
    reasons refused, and refused or flagged; the share of lawful reasons refused and
    flagged; the misses, to read."""
    counts = {label: {"n": 0, Outcome.REFUSE: 0, Outcome.FLAG: 0, Outcome.ALLOW: 0}
              for label in (PROHIBITED_LABEL, LAWFUL_LABEL)}
    by_category: dict[str, dict] = {}
    misses = []
    for row in rows:
        label = row["label"].strip()
        if label not in counts:
            raise ValueError(f"label must be {PROHIBITED_LABEL!r} or {LAWFUL_LABEL!r}, got {label!r}")
        result = screen(row["text"])
        counts[label]["n"] += 1
        counts[label][result.outcome] += 1
        if label == PROHIBITED_LABEL:
            cat = by_category.setdefault(row.get("category", ""), {"n": 0, "refused": 0, "caught": 0})
            cat["n"] += 1
            cat["refused"] += result.refused
            cat["caught"] += result.outcome != Outcome.ALLOW
        if (label == PROHIBITED_LABEL and result.outcome == Outcome.ALLOW) or \
                (label == LAWFUL_LABEL and result.refused):
            misses.append({"text": row["text"], "label": label, "outcome": str(result.outcome),
                           "category": result.category, "rule": result.rule})

    def rate(label, *outcomes):
        n = counts[label]["n"]
        return round(sum(counts[label][o] for o in outcomes) / n, 4) if n else 0.0

    return {
        "prohibited": {"n": counts[PROHIBITED_LABEL]["n"],
                       "refused": rate(PROHIBITED_LABEL, Outcome.REFUSE),
                       "flagged": rate(PROHIBITED_LABEL, Outcome.FLAG),
                       "refused_or_flagged": rate(PROHIBITED_LABEL, Outcome.REFUSE, Outcome.FLAG)},
        "lawful": {"n": counts[LAWFUL_LABEL]["n"],
                   "refused": rate(LAWFUL_LABEL, Outcome.REFUSE),
                   "flagged": rate(LAWFUL_LABEL, Outcome.FLAG),
                   "allowed": rate(LAWFUL_LABEL, Outcome.ALLOW)},
        "by_category": by_category,
        "misses": misses,
    }


# --- federal immigration units, under any wording (issue 20 §2, SH-3) -----------------------
# Sharing never serves federal immigration enforcement, whoever asks and however it is
# spelled. The lexicon above reads a member's reason; this reads *who* asks (agency name,
# title, contact address) and *what for* (a sharing purpose), after normalising the ways one
# name is written: case, dots and spaces inside acronyms ("I.C.E.", "C B P", "U.S.C.I.S."),
# "&" for "and", words run together or split ("BorderPatrol", "Home land Security"), a "US"
# prefix ("USCBP"), and punctuation between names ("ICE/ERO", "ice-hsi").

# Acronyms of immigration units (ICE and its ERO and HSI directorates, CBP and the Border
# Patrol, USCIS, the former INS, their department DHS), matched as whole tokens.
# ("CIS" alone is also a Criminal Investigation Section; USCIS is matched in full.)
IMMIGRATION_ACRONYMS = {"ice", "ero", "hsi", "cbp", "usbp", "uscis", "dhs", "ins", "bortac", "iceero", "icehsi"}
# A few of those are everyday words in lower case in free text ("break-ins", "ice on the
# road"): in a purpose they count only as typed in capitals or spelled with dots/spaces.
_ACRONYMS_CASED_IN_TEXT = {"ins", "ice"}
# "Ins." is also insurance ("Dept. of Ins. fraud unit"): in capitals only, even in a name.
_ACRONYMS_CASED_ALWAYS = {"ins"}
# Names written out, compared with every non-letter removed, so spacing, punctuation,
# hyphens and "&" do not matter.
_IMMIGRATION_NAMES_SQUASHED = (
    "immigrationandcustomsenforcement", "immigrationcustomsenforcement", "customsandborderprotection",
    "customsborderprotection", "customsandborderpatrol", "borderprotection", "borderpatrol", "borderagent",
    "borderenforcement", "homelandsecurity", "enforcementandremovaloperations", "enforcementremovaloperations",
    "removaloperations", "removalops", "citizenshipandimmigrationservices", "citizenshipimmigrationservices",
    "immigrationandnaturalization", "immigrationnaturalization", "fieldoperations", "detentionandremoval",
    "alienregistration", "lamigra", "immigrationenforcement", "immigrationcustoms",
)
_IMMIGRATION_TOKEN = re.compile(
    r"^(?:immigrat\w*|immig|immigr|deport|deports|deported|deporting|deportation\w*|deportee\w*|deportabl\w*"
    r"|migra|aliens?|undocumented|customs|removals?|removable|expulsion|287g)$")
_NEGATION = {"not", "no", "never", "nor", "without", "n't", "neither", "excluding", "except"}
_LETTERS_ONLY = re.compile(r"[^a-z]+")


def _raw_tokens(text: str) -> list[str]:
    """Tokens as typed, with runs of single letters joined ("I.C.E." is "ICE", "u s c i s"
    is "uscis") and "&" read as "and"."""
    text = unicodedata.normalize("NFKC", text or "").replace("&", " and ").replace("+", " and ")
    text = re.sub(r"287\s*\(?\s*g\s*\)?", " 287g ", text, flags=re.IGNORECASE)
    parts = re.findall(r"[A-Za-z0-9]+|n't", text)
    tokens: list[str] = []
    run: list[str] = []
    for part in parts + [""]:
        if len(part) == 1 and part.isalpha():
            run.append(part)
            continue
        if run:
            # A run of single letters is an acronym spelled out; a lone one ("a") is a word.
            tokens.append("".join(run).upper() if len(run) > 1 else run[0])
            run = []
        if part:
            tokens.append(part)
    return tokens


_NEGATED_CLAUSE = re.compile(r"\b(?:not|never|no|nor|without|neither)\b[^.;:!?\n]*", re.IGNORECASE)


def without_negated(text: str) -> str:
    """The text less its negated clauses ("the data will not be used for immigration
    enforcement" is an assurance, not a purpose)."""
    return _NEGATED_CLAUSE.sub(" ", text or "")


def immigration_unit(text: str, *, who: bool = False) -> str:
    """The words naming a federal immigration unit or immigration enforcement in `text`,
    or '' when there are none. `who=True` reads an agency name, a title or a contact
    address, where any spelling of an acronym counts; in a purpose an acronym that is
    also a word counts in capitals only, and a term right after a negation ("not for
    immigration enforcement") is the requester's assurance, not its purpose."""
    tokens = _raw_tokens(text)
    lowered = [t.lower() for t in tokens]
    for i, (raw, low) in enumerate(zip(tokens, lowered, strict=True)):
        candidates = {low}
        if low.startswith("us") and len(low) > 4:
            candidates.add(low[2:])  # "USCBP", "USICE"
        hit = ""
        if candidates & IMMIGRATION_ACRONYMS:
            acronym = (candidates & IMMIGRATION_ACRONYMS).pop()
            cased_ok = raw.isupper() or (acronym not in _ACRONYMS_CASED_ALWAYS
                                         and (who or acronym not in _ACRONYMS_CASED_IN_TEXT))
            innocent = acronym == "ice" and not who and i + 1 < len(lowered) and lowered[i + 1] in _ICE_INNOCENT_NEXT
            if cased_ok and not innocent:
                hit = raw
        elif _IMMIGRATION_TOKEN.match(low):
            nxt = lowered[i + 1] if i + 1 < len(lowered) else ""
            # "removal of the graffiti", "customs declaration of a stolen car" are not the units.
            if low.startswith("remov") and nxt in {"of", "from", "by"} and not who:
                continue
            # "Customs" alone is the unit as who asks; in a purpose it may be a place
            # ("the Customs House"): there the written-out names count (below).
            if low == "customs" and not who:
                continue
            hit = raw
        if hit:
            if not who and _NEGATION & set(lowered[max(0, i - 4):i]):
                continue
            return hit
    # Where each token starts in the squashed text, to find the words before a name.
    starts, squashed = [], ""
    for low in lowered:
        starts.append(len(squashed))
        squashed += _LETTERS_ONLY.sub("", low)
    for name in _IMMIGRATION_NAMES_SQUASHED:
        pos = squashed.find(name)
        if pos >= 0:
            first = max(i for i, start in enumerate(starts) if start <= pos)
            if not who and _NEGATION & set(lowered[max(0, first - 4):first]):
                continue
            return name
    return ""


_FEDERAL_TOKENS = {"federal", "fbi", "dea", "atf", "usms", "usss", "tsa", "usdoj", "usdhs", "usao", "fps", "usps"}
_FEDERAL_SQUASHED = ("federalbureau", "drugenforcementadministration", "marshalsservice", "usmarshal",
                     "unitedstates", "secretservice", "alcoholtobacco", "usattorney", "transportationsecurity")


def federal_name(text: str) -> str:
    """The words that make an agency's name a federal agency's ("U.S. Marshals", "F.B.I.",
    "Federal Task Force"), or ''. SH-3 forbids sharing with any federal agency, whatever
    its record's kind says (issue 20 §2)."""
    tokens = [t.lower() for t in _raw_tokens(text)]
    if tokens and tokens[0] == "us" and len(tokens) > 1:
        return "U.S."
    for token in tokens:
        if token in _FEDERAL_TOKENS:
            return token
    squashed = _LETTERS_ONLY.sub("", " ".join(tokens))
    return next((name for name in _FEDERAL_SQUASHED if name in squashed), "")
