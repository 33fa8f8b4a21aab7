"""Every source key the project cites, with the full reference a reader can look up.

Keys come from the project fact base (shared/history/FACTS.md beside the repository): §6 lists
them, and §3 and §7 cite a few books and papers by author and year ("Sagan 1993", "Blight & Welch
1989"). Seed lines are cited as "S:n" or "S:n–m": lines of a machine summary of Rawnsley (1995),
usable only as checked against FACTS.md. Lines that FACTS.md §5 lists as fabricated cannot be
cited at all.

`resolve(key)` gives the reference (or raises `SourceError`, a `KeyError`, with a 'did you mean');
`keys_in(text)` and `citations_in(text)` read source keys out of a free-text source string such as
a parameter's `source` ("OH; Dobbs (U-2 shot down); FACTS §7 (B-59)"); `citations_in_brackets`
reads the "[UPI93; S:46]" citations in prose such as a scenario's historical basis.
"""

from __future__ import annotations

import re

from sim.params import unknown_name_message

SEED_KEY = "S"
#: Lines in the seed file (000_6728a1f6feab1e14.txt beside FACTS.md).
SEED_LINES = 113
#: Seed lines FACTS.md §5 lists as fabricated: never cite them.
FABRICATED_SEED_LINES: frozenset[int] = frozenset(
    {6, 7, 10, 26, 34, 36, 69, 75, 88, 89, 96, 101, 105, 110, 111}
)
SEED_REFERENCE = (
    "Seed line(s) of the machine summary of Gary Rawnsley, 'How Special is Special? The "
    "Anglo-American Alliance During the Cuban Missile Crisis' (1995), checked against FACTS.md "
    "(lines listed in FACTS.md §5 are excluded)"
)

_RAWNSLEY = (
    "Gary Rawnsley, 'How Special is Special? The Anglo-American Alliance During the Cuban Missile "
    "Crisis', Contemporary Record (Contemporary British History) 9:3 (1995), 586–601; abstract at "
    "aberystwyth.elsevierpure.com"
)
_DOBBS = (
    "Michael Dobbs, One Minute to Midnight: Kennedy, Khrushchev, and Castro on the Brink of "
    "Nuclear War (2008)"
)
_SAGAN = (
    "Scott D. Sagan, The Limits of Safety: Organizations, Accidents, and Nuclear Weapons (1993)"
)
_SORENSEN = (
    "Theodore C. Sorensen, Kennedy (1965), p. 705 (page unverified): Kennedy put the odds of the "
    "Soviets going 'all the way to war' at 'between one out of three and even'; quoted at the "
    "opening of Allison, Essence of Decision (1971)"
)
_SCHELLING = (
    "Thomas C. Schelling, The Strategy of Conflict (1960), ch. 8, and Arms and Influence (1966), "
    "ch. 3: 'the threat that leaves something to chance'"
)
_FRUS_VI = (
    "Foreign Relations of the United States, 1961–1963, vol. VI, Kennedy-Khrushchev Exchanges"
)
_FRUS_SUPP = (
    "Foreign Relations of the United States, 1961–1963, vols. X/XI/XII, Microfiche Supplement"
)
_AVALON = "Avalon Project (Yale Law School), The Cuban Missile Crisis"
_HANSARD = "Hansard (historic-hansard, api.parliament.uk)"

SOURCES: dict[str, str] = {
    # --- the article and its seed --------------------------------------------------------------
    SEED_KEY: SEED_REFERENCE,
    "R95": _RAWNSLEY,
    "RawnsleyBlog": (
        "Blog post on Rawnsley's 'How Special is Special?' (August 2015), "
        "wwwpdic.blogspot.com/2015/08/how-special-is-special-anglo-american.html"
    ),
    # --- Thor, Project Emily --------------------------------------------------------------------
    "TS": (
        "Twigge & Scott, 'The Other Other Missiles of October', Electronic Journal of "
        "International History (abstract via studyres.com/doc/21515380)"
    ),
    "Twigge & Scott 2000": (
        "Twigge & Scott (2000), as cited in FACTS.md §7 for Bomber Command's Alert Condition 3 and "
        "the Thors brought to readiness, 27–28 Oct 1962 (details disputed; see also TS)"
    ),
    "Emily-W": "Wikipedia, 'Project Emily' (the Thor missiles in Britain), "
    "en.wikipedia.org/wiki/Project_Emily",
    "Scott99": (
        "L. V. Scott, Macmillan, Kennedy and the Cuban Missile Crisis (1999); publisher's blurb at "
        "buecher.de"
    ),
    "Feltwell": "feltwell.net: history of the Thor missiles at RAF Feltwell",
    "Geo-bases": "Thor IRBM bases (GeoCities page thor_irbm/bases.htm, via web.archive.org)",
    "MilHist-Emily": "militaryhistories.co.uk: Project Emily in the crisis "
    "(militaryhistories.co.uk/emily/crisis)",
    "Time60": "Time magazine, 22 February 1960",
    "Melton": (
        "Melton Aviation Society, newsletter 8 (quotes Macmillan in the House of Commons, "
        "1 April 1957)"
    ),
    "Reddit-AH": (
        "r/AskHistorians answer citing Clive Richards, Journal of the RAF Historical Society 42 "
        "(weak source)"
    ),
    "V2S": "Vulcan to the Sky Trust, vulcantothesky.org (weak to moderate source)",
    "RAFM-talk": "RAF Museum lecture by Bill Pyke (crowdcast.io)",
    # --- British papers and people ---------------------------------------------------------------
    "Cat-UN": (
        "Catterall, 'Modifying \"a very dangerous message\"' (Lord Home at the UN, 27 Sep 1962), "
        "paperzz.com/doc/8091981"
    ),
    "Cat-Mac": "Catterall, 'Prime Minister and President', docslib.org/doc/10582654",
    "Col16": "Colman, Diplomacy & Statecraft 27:4 (2016), clok.uclan.ac.uk/19108",
    "TNA-call": (
        "The National Archives (UK), Cold War on File: 'Kennedy and Macmillan talk about Cuba' "
        "(PREM 11/3689), nationalarchives.gov.uk/education/resources/cold-war-on-file/"
        "kennedy-macmillan-talk-about-cuba"
    ),
    "TNA-msg": (
        "The National Archives (UK): Kennedy's message to Macmillan, 21 Oct 1962 (Cap 5480-62), "
        "nationalarchives.gov.uk/education/heroesvillains/transcript/g2cs2s2t.htm"
    ),
    "TNA-blog": (
        "The National Archives blog, 'The Cuban missile crisis: a solemn moment for the fate of "
        "the entire world', blog.nationalarchives.gov.uk"
    ),
    "CAB128": (
        "Cabinet conclusions, CAB 128/36, CC(62) 61st conclusions, 23 Oct 1962 "
        "(docslib.org/download/3092659)"
    ),
    "HL-25Oct": f"{_HANSARD}, House of Lords, 25 Oct 1962, 'Cuba' (lords/1962/oct/25/cuba)",
    "HC-12Nov": f"{_HANSARD}, House of Commons, 12 Nov 1962, 'Cuba' (commons/1962/nov/12/cuba)",
    "HC-15Nov": (
        f"{_HANSARD}, House of Commons, 15 Nov 1962, 'Cuba (Blockade)' "
        "(commons/1962/nov/15/cuba-blockade)"
    ),
    "Hansard-23May62": "Hansard, House of Commons, 23 May 1962 (the Thor agreement), "
    "via theyworkforyou.com",
    "UPI93": (
        "UPI, 'Britain offered trade in 1962 Cuba missile crisis', 1 Jan 1993 (on the release of "
        "British files), upi.com/Archives/1993/01/01/"
        "Britain-offered-trade-in-1962-Cuba-missile-crisis"
    ),
    "Tel06": "The Telegraph, 3 Apr 2006 (Gen. Kenneth Strong's report to Macmillan), "
    "informationliberation.com/?id=8963",
    "Tel-Horne": "The Telegraph, 'Life has got scarier since the Cuban missile crisis' "
    "(telegraph.co.uk)",
    "Bbg": "Bloomberg, on the released Ormsby-Gore cables (edition.pagesuite.com)",
    "DeanWiki": "Encyclopaedia article on Sir Patrick Dean (de.zxc.wiki/wiki/Patrick_Dean)",
    # --- US documents -------------------------------------------------------------------------
    "OH": (
        "Office of the Historian, US Department of State, Milestones: 'The Cuban Missile Crisis, "
        "October 1962' (HistoryAtState/milestones, chapters/1961-1968.xml)"
    ),
    "FRUS-XI-74": (
        "Foreign Relations of the United States, 1961–1963, vol. XI, Cuban Missile Crisis and "
        "Aftermath, document 74 (Kennedy–Macmillan call, 25 Oct 1962, 18:30), "
        "history.state.gov/historicaldocuments/frus1961-63v11/d74 (= Avalon msc_cuba074)"
    ),
    "FRUS-VI-62": f"{_FRUS_VI}, document 62, history.state.gov/historicaldocuments/"
    "frus1961-63v06/d62",
    "FRUS-VI-64": f"{_FRUS_VI}, document 64, history.state.gov/historicaldocuments/"
    "frus1961-63v06/d64",
    "FRUS-VI-80": f"{_FRUS_VI}, document 80, history.state.gov/historicaldocuments/"
    "frus1961-63v06/d80",
    "FRUS-mS364": (
        f"{_FRUS_SUPP}, document 364 (Kennedy to Macmillan, 22 Oct 1962), "
        "history.state.gov/historicaldocuments/frus1961-63v10-12mSupp/d364"
    ),
    "FRUS-mS409": (
        f"{_FRUS_SUPP}, document 409 (Chester Cooper, 'Mission to London'), "
        "history.state.gov/historicaldocuments/frus1961-63v10-12mSupp/d409"
    ),
    "Aval-87": f"{_AVALON}, document 87 (Kennedy–Macmillan call, 26 Oct 1962), "
    "avalon.law.yale.edu/20th_century/msc_cuba087.asp",
    "Aval-121": f"{_AVALON}, document 121 (US embassy Moscow, 31 Oct 1962), "
    "avalon.law.yale.edu/20th_century/msc_cuba121.asp",
    "Aval-182": f"{_AVALON}, document 182 (Kennedy–Macmillan call, 15 Nov 1962), "
    "avalon.law.yale.edu/20th_century/msc_cuba182.asp",
    "JFK-cmc22": (
        "John F. Kennedy Presidential Library, Cuban missile crisis microsite, 22 Oct 1962, "
        "document 3, microsites.jfklibrary.org/cmc/oct22/doc3.html"
    ),
    "Miller": "Miller Center, presidential recordings: Kennedy–Macmillan call, 26 Oct 1962, 18:30 "
    "(archive.millercenter.org)",
    "Bruce": "David Bruce, diary, 21 Oct 1962, National Security Archive "
    "(nsarchive.gwu.edu/media/29189/ocr)",
    "Kent": "Sherman Kent, Studies in Intelligence (1972), fas.org/irp/imint/cubakent.htm",
    "Brugioni-int": (
        "Dino Brugioni, interview for the Cold War series, episode 10, National Security Archive "
        "(nsarchive2.gwu.edu/coldwar/interviews/episode-10/brugioni2.html)"
    ),
    "Norris": "Norris, 'Nuclear Order of Battle' (talk), docslib.org/doc/10453861",
    "FAS12": "Federation of American Scientists, on the Cuban missile crisis (2012), "
    "fas.org/publication/cubanmissilecrisis",
    "Stern": "Boston Globe, 6 Oct 2002 (Stern on the ExComm meetings), studyres.com/doc/11328909",
    "PRDE": (
        "Presidential Recordings Digital Edition (University of Virginia Press), introduction "
        "JFK_Norton4 (prde.upress.virginia.edu)"
    ),
    "Ginsberg": "top1magazine.com, drawing on Gary Ginsberg, First Friends",
    "UPI-letters": "UPI article (1973) on the ten Kennedy–Khrushchev letters (archive.org)",
    "NARA-exhibit": "Caption from the exhibit 'Stepping Back from the Brink' "
    "(photograph by bguthriephotos)",
    "CIA-9Nov": "CIA report, 9 Nov 1962 (Soviet ships leaving Cuba), "
    "faqs.org/cia/docs/86/0000725867",
    "kuba1962": "kuba1962.com (22 Oct 1962: Rusk and Dobrynin)",
    "GS-Jup": "GlobalSecurity.org, Jupiter missiles in Turkey "
    "(globalsecurity.org/wmd/world/turkey/nuke-1.htm)",
    "NSA-Jup": (
        "National Security Archive, briefing book on the Jupiter missiles, 20 Apr 2023; "
        "Wilson Center (Burr & Nuti)"
    ),
    "Cubacrisis-net": "cubacrisis.net, document on the Jupiters (angl/docum/jupiter_27.html)",
    # --- chronologies and press -------------------------------------------------------------------
    "Dobbs": _DOBBS,
    "Dobbs 2008": _DOBBS,
    "Schl": "Eric Schlosser, Command and Control (2013), pp. 144–145",
    "Patch": "avon.patch.com, 'Day 8 … October 23' chronology (weak to moderate source)",
    "RT60s": "realtime1960s.com: reposts of 1962 New York Times and UPI reports",
    "Retro": "retronewser.com: reposted 1962 news (28 Oct broadcast; the U-2 shot down)",
    "Retro20": "retronewser.com: reposted 1962 news (20 Nov 1962)",
    "PBS-FBIS": "PBS American Experience, primary sources: the FBIS record of Radio Moscow's "
    "broadcast, 28 Oct 1962 (pbs.org)",
    "PBS-end": "PBS American Experience, primary sources: the end of the quarantine, "
    "20 Nov 1962 (pbs.org)",
    "WHP": "World History Project (worldhistoryproject.org)",
    "George": "Alice George, Awaiting Armageddon, chapter 'Dark'",
    "AirSpace": "Air & Space magazine, 'A Full Retaliatory Response' (airspacemag.com)",
    "UN-SG1353": "United Nations press release SG/1353, 24 Oct 1962 (U Thant's appeal), "
    "docslib.org/doc/9242492",
    # --- risk of war: estimates and models (FACTS §3, §7) ---------------------------------------
    "Intelros": f"Intelros (a secondary source) quoting {_SORENSEN}",
    "Sorensen": _SORENSEN,
    "Sorensen 1965": _SORENSEN,
    "Ellsberg": (
        "Daniel Ellsberg papers (archive.org), note of 13 Jun 2012: all-out nuclear war in the "
        "crisis, 10–30%"
    ),
    "Blight & Welch 1989": (
        "James G. Blight and David A. Welch, On the Brink (1989): participants at Hawk's Cay, "
        "1987 (unverified)"
    ),
    "Dixit, McAdams & Skeath 2019": (
        "Avinash Dixit, David McAdams and Susan Skeath, SSRN working paper 3406265 (2019): the "
        "crisis as a dynamic game of chicken"
    ),
    "Dixit & Skeath": "Avinash Dixit and Susan Skeath, Games of Strategy, ch. 14 (brinkmanship)",
    "Schelling": _SCHELLING,
    "Schelling 1960": "Thomas C. Schelling, The Strategy of Conflict (1960), ch. 8",
    "Schelling 1966": "Thomas C. Schelling, Arms and Influence (1966), ch. 3",
    "Powell": (
        "Robert Powell, American Political Science Review (1987, 1988) and Nuclear Deterrence "
        "Theory (1990)"
    ),
    "Brams 1985": "Steven J. Brams, Superpower Games (1985)",
    "Allison 1971": "Graham Allison, Essence of Decision (1971)",
    "Allison & Zelikow 1999": "Graham Allison and Philip Zelikow, Essence of Decision, "
    "2nd edition (1999)",
    "Sagan": _SAGAN,
    "Sagan 1993": _SAGAN,
    "Savranskaya 2005": "Svetlana Savranskaya, Journal of Strategic Studies (2005), on the "
    "Soviet submarines in the crisis",
    "National Security Archive 2022": "National Security Archive (2022), on submarine B-59",
    "Gribkov & Smith 1994": (
        "Anatoli I. Gribkov and William Y. Smith, Operation ANADYR (1994): the Soviet plan "
        "(standard figure, not retrieved)"
    ),
}


class SourceError(KeyError):
    """An unknown or unusable source key; `str()` is one line (unlike a plain KeyError's repr)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


#: Every regular expression here runs in linear time on any text (user files included): no
#: unbounded repeat is followed by something it could also match, and no loop re-runs one.
_SEED = re.compile(r"S:(\d+)(?:\s*[–-]\s*(\d+))?")
#: Longest first, so "Retro20" wins over "Retro" and "Dobbs 2008" over "Dobbs".
_KNOWN = sorted((k for k in SOURCES if k != SEED_KEY), key=len, reverse=True)
#: The same keys by first character (each list longest first), so a lookup tries only a few.
_KNOWN_BY_INITIAL: dict[str, list[str]] = {}
for _key in _KNOWN:
    _KNOWN_BY_INITIAL.setdefault(_key[0], []).append(_key)
del _key
_TOKEN = re.compile(r"[A-Z][A-Za-z0-9&'’.-]*")
_LABEL = re.compile(r"[a-z][a-z ]*:\s+")
#: "(1993)"; the white space before it is dropped by `_strip_comments` (a leading `\s*` in the
#: pattern would be retried at every space of a long run: quadratic).
_YEAR_IN_PARENS = re.compile(r"\((\d{4})\)")
_PAREN = re.compile(r"[()]")
_SKIP = ("modelling assumption", "FACTS")
#: Seed line numbers longer than this (leading zeros aside) are out of range anyway; never
#: converted, since int() of thousands of digits is slow and refused above 4,300.
_MAX_DIGITS = 9
#: Longest key shown in a message (keys are at most 30 characters; a longer text is cut).
_MAX_SHOWN = 60


def _line_number(digits: str) -> int:
    significant = digits.lstrip("0") or "0"
    return int(significant) if len(significant) <= _MAX_DIGITS else 10**_MAX_DIGITS


def _seed_lines(citation: str) -> tuple[int, int] | None:
    match = _SEED.fullmatch(citation.strip())
    if match is None:
        return None
    first = _line_number(match.group(1))
    last = _line_number(match.group(2)) if match.group(2) else first
    return first, last


def key_of(citation: str) -> str:
    """The source key of one citation: "S:83–86" → "S"; "OH" → "OH"."""
    return SEED_KEY if _seed_lines(citation) is not None else citation.strip()


def resolve(key: str) -> str:
    """The full reference for a key or one citation ("OH", "S", "S:46", "S:83–86").

    Raises `SourceError` (a KeyError) for an unknown key, a seed line outside the file, or a seed
    line that FACTS.md §5 lists as fabricated.
    """
    text = key.strip()
    shown = text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"
    if not shown.isprintable():
        shown = " ".join(shown.split())  # messages are one line
    lines = _seed_lines(text)
    if lines is not None:
        first, last = lines
        if not 1 <= first <= last <= SEED_LINES:
            raise SourceError(
                f"source '{shown}' is not a seed line: use S:n or S:n–m, "
                f"with 1 ≤ n ≤ m ≤ {SEED_LINES}"
            )
        bad = sorted(FABRICATED_SEED_LINES.intersection(range(first, last + 1)))
        if bad:
            listed = ", ".join(f"S:{n}" for n in bad)
            raise SourceError(
                f"source '{shown}' includes {listed}, listed as fabricated in FACTS.md §5: "
                "cite R95 or another source instead"
            )
        which = f"line {first}" if first == last else f"lines {first}–{last}"
        return SEED_REFERENCE.replace("Seed line(s)", f"Seed {which}", 1)
    try:
        return SOURCES[text]
    except KeyError:
        raise SourceError(unknown_name_message(shown, SOURCES, "source key")) from None


def _match_at(segment: str, pos: int) -> tuple[str, int] | None:
    """A known citation starting at `pos`: (citation, end), or None."""
    seed = _SEED.match(segment, pos)
    if seed is not None:
        return seed.group(0), seed.end()
    for key in _KNOWN_BY_INITIAL.get(segment[pos : pos + 1], ()):
        end = pos + len(key)
        if segment.startswith(key, pos) and (
            end == len(segment) or not (segment[end].isalnum() or segment[end] in "-_")
        ):
            return key, end
    return None


def _strip_comments(text: str) -> str:
    """The text with "Sagan (1993)" as "Sagan 1993" (the key) and every balanced parenthesised
    comment removed, nested ones included; an unmatched parenthesis stays. One pass, linear time
    (the same result as removing innermost "(...)" again and again)."""
    pieces: list[str] = []
    last = 0
    for match in _YEAR_IN_PARENS.finditer(text):
        pieces += [text[last : match.start()].rstrip(), " ", match.group(1)]
        last = match.end()
    if pieces:
        text = "".join(pieces) + text[last:]
    kept: list[str] = []
    opened: list[int] = []  # index in `kept` of each "(" not yet closed
    last = 0
    for match in _PAREN.finditer(text):
        kept.append(text[last : match.start()])
        last = match.end()
        if match.group() == "(":
            opened.append(len(kept))
            kept.append("(")
        elif opened:
            del kept[opened.pop() :]
        else:
            kept.append(")")
    kept.append(text[last:])
    return "".join(kept)


def citations_in(text: str, strict: bool = False) -> list[str]:
    """Citations in a free-text source string, in order, each once: "OH; S:46" → ["OH", "S:46"].

    The text is read as segments separated by ';' (square brackets count as separators too). In
    each, parenthesised comments and a leading lower-case label ("level:", "default:") are dropped,
    segments starting "modelling assumption" or "FACTS §n" are skipped, and the citation at the
    start is taken — a known key, "S:n", or else the capitalised word there, so that a misspelt key
    is returned and fails `resolve`. Further citations follow after commas ("OH, Dobbs"); a
    capitalised word after a comma that is not a known key is returned only if `strict` (for
    citation brackets, where nothing but keys is expected).
    """
    found: dict[str, None] = {}  # a dict keeps the order and finds repeats in constant time
    cleaned = _strip_comments(text).replace("[", ";").replace("]", ";")
    for raw in cleaned.split(";"):
        segment = raw.strip()
        label = _LABEL.match(segment)
        if label is not None:
            segment = segment[label.end() :]
        if not segment or segment.startswith(_SKIP):
            continue
        pos, leading = 0, True
        while pos < len(segment):
            while pos < len(segment) and segment[pos].isspace():
                pos += 1
            match = _match_at(segment, pos)
            if match is None and (leading or strict):
                token = _TOKEN.match(segment, pos)
                match = (token.group(0), token.end()) if token is not None else None
            if match is None:
                break
            citation, pos = match
            found[citation] = None
            leading = False
            while pos < len(segment) and segment[pos].isspace():
                pos += 1
            if not segment.startswith(",", pos):
                break
            pos += 1
    return list(found)


_BRACKETS = re.compile(r"\[([^\[\]]+)\]")


def citations_in_brackets(text: str) -> list[str]:
    """Citations inside square brackets in prose ("… smothered [S:48; UPI93]."), read strictly:
    every capitalised word in a bracket counts, so a misspelt key fails `resolve`."""
    found: dict[str, None] = {}
    for bracket in _BRACKETS.findall(text):
        found.update(dict.fromkeys(citations_in(bracket, strict=True)))
    return list(found)


def keys_in(text: str) -> list[str]:
    """Source keys cited in `text`, in order, each once; any "S:n" or "S:n–m" counts as "S"."""
    return list(dict.fromkeys(key_of(citation) for citation in citations_in(text)))
