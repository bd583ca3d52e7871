"""Frustration and anger in a ticket, from a documented lexicon and rules in seven languages."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import ClassVar

from hybridroute.classifiers._weights import checked_weights
from hybridroute.models import ScoreSignal, Ticket
from hybridroute.text import normalize_for_matching
from hybridroute.text.patterns import compile_alternatives

__all__ = [
    "DEFAULT_SENTIMENT_WEIGHTS",
    "SENTIMENT_FEATURES",
    "SENTIMENT_LANGUAGES",
    "SentimentScorer",
]

SENTIMENT_LANGUAGES: frozenset[str] = frozenset({"en", "es", "fr", "de", "pt", "it", "nl"})
"""ISO 639-1 codes of the languages of the built-in lexicon."""

SENTIMENT_FEATURES = (
    "negative_words",
    "intensified",
    "negated_positive",
    "positive_words",
    "shouting",
    "repeated_punctuation",
    "profanity",
    "waiting",
    "threat_to_leave",
)
"""The keys of :attr:`ScoreSignal.features` from :class:`SentimentScorer`, in order."""

DEFAULT_SENTIMENT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "negative_words": 0.35,
        "intensified": 0.20,
        "negated_positive": 0.30,
        "positive_words": -0.15,
        "shouting": 0.20,
        "repeated_punctuation": 0.25,
        "profanity": 0.60,
        "waiting": 0.25,
        "threat_to_leave": 0.50,
    }
)
"""Weight of one occurrence of each feature; see :class:`SentimentScorer`."""

#: Each count is capped here, so that one feature repeated cannot decide alone.
COUNT_CAP = 3

_MAX_EVIDENCE = 5
_MAX_EVIDENCE_CHARS = 60


def _words(alternatives: str) -> re.Pattern[str]:
    """One case-insensitive alternation that matches whole words only."""
    return compile_alternatives([alternatives])


_NEGATIVE = _words(
    r"thanks for nothing|terrible|horrible|horrendous|awful|atrocious|appalling|dreadful"
    r"|abysmal|worst|useless|hopeless|pathetic|ridiculous|absurd|unacceptable|outrageous"
    r"|disgusting|disgusted|disgrace(?:ful)?|shameful|shocking|incompeten(?:t|ce)|furious"
    r"|angry|livid|fuming|outraged|irate|annoyed|annoying|irritated|frustrat(?:ed|ing|ion)"
    r"|fed up|sick (?:and tired )?of|tired of|had enough|disappoint(?:ed|ing)|upset|mad"
    r"|unhelpful|rubbish|garbage|a joke|nightmare|shambles|fiasco|a mess|lousy"
    r"|(?:poor|bad|terrible) service|rip(?:ped)?[- ]off|lied|lying|liars?|stupid|idiots?"
    r"|clueless|ignored|ignoring|waste of (?:time|money)|sucks|bad|embarrass(?:ed|ing)"
    # es
    r"|terrible|horrible|pesim[oa]s?|inutil(?:es)?|ridicul[oa]s?|absurd[oa]s?|inaceptable"
    r"|vergonzos[oa]|una verguenza|indignante|indignad[oa]|furios[oa]|enfadad[oa]|enojad[oa]"
    r"|molest[oa]|hart[oa]s?|cansad[oa] de|frustrad[oa]|frustrante|decepcionad[oa]"
    r"|decepcionante|una (?:broma|tomadura de pelo)|incompetentes?|desastre|penoso|lamentable"
    # fr
    r"|nul(?:le|s|les)?|lamentable|inadmissible|inacceptable|scandaleu(?:x|se)|honteu(?:x|se)"
    r"|ridicule|absurde|inutile|incompetent(?:e|s|es)?|furieu(?:x|se)|en colere|enerve(?:e|s)?"
    r"|agace(?:e)?|exaspere(?:e)?|marre|ras le bol|decu(?:e|s|es)?|decevant(?:e)?|degoute(?:e)?"
    r"|insupportable|catastrophique|n'importe quoi|une honte|une blague|minable|pitoyable"
    # de
    r"|schlecht(?:e|er|es|en)?|schrecklich\w*|furchtbar\w*|katastrophal\w*|miserabel|mies"
    r"|nutzlos\w*|lacherlich\w*|unverschamt\w*|inakzeptabel|skandal\w*|wutend|sauer"
    r"|verargert|genervt|nervig|frustriert|frustrierend|enttauscht|enttauschend"
    r"|inkompetent\w*|frechheit|zumutung|saftladen|unterirdisch|die nase voll|es reicht"
    # pt
    r"|pessim[oa]s?|horrivel|terrivel|inaceitavel|vergonh(?:a|os[oa])|irritad[oa]|chatead[oa]"
    r"|revoltad[oa]|de saco cheio|um absurdo|palhacada|descaso|lamentavel"
    # it
    r"|terribile|orribile|vergognos[oa]|una vergogna|ridicol[oa]|assurd[oa]|inaccettabile"
    r"|incompetent[ei]|arrabbiat[oa]|incazzat[oa]|irritat[oa]|frustrat[oa]|delus[oa]"
    r"|deludente|stuf[oa]|stanc[oa] di|scandalos[oa]|schifo|schifos[oa]|disastro"
    # nl
    r"|slechte?|slechtste|verschrikkelijk|vreselijk|waardeloos|waardeloze|belachelijk"
    r"|schandalig|onacceptabel|nutteloos|woedend|boos|kwaad|geirriteerd|geergerd"
    r"|gefrustreerd|teleurgesteld|teleurstellend|het zat|een grap|een schande"
)
_POSITIVE = _words(
    r"happy|pleased|satisfied|helpful|good|great|excellent|fair|acceptable|reasonable"
    r"|impressed|professional|thank you|thanks(?! for nothing)|appreciated?"
    r"|gracias|content[oa]s?|satisfech[oa]s?|excelente|genial|amable"
    r"|merci|satisfait(?:e|s|es)?|excellent(?:e)?"
    r"|danke|zufrieden|hervorragend|freundlich"
    r"|obrigad[oa]|satisfeit[oa]|otimo"
    r"|grazie|soddisfatt[oa]|ottimo|eccellente|gentile"
    r"|bedankt|dank (?:je|u) wel|tevreden|blij|uitstekend"
)
_PROFANITY = _words(
    r"f+u+c+k+\w*|f[*#@]+k\w*|sh[i1*]t\w*|bullshit|crap(?:py)?|damn(?:ed|it)?|goddamn\w*"
    r"|bloody|wtf|ffs|pissed(?: off)?|piss off|bastards?|a[rs]s[e]?holes?|dickheads?"
    r"|screw you|the hell"
    r"|mierda|joder|jodid[oa]s?|cabron(?:es)?|hostia|gilipollas|carajo"
    r"|merde|putain|bordel|connard\w*|salaud\w*|foutu\w*"
    r"|scheiss\w*|verdammt\w*|arschl(?:och|ocher)|verfickt\w*"
    r"|merda|porra|caralho|pqp|fdp"
    r"|cazz\w*|vaffanculo|porca miseria|stronz\w*|fottut\w*"
    r"|kut\w*|godverdomme|verdomme|klote\w*|tering"
)
_WAITING = _words(
    r"still waiting|yet again|once again|again|still"
    r"|(?:second|third|fourth|fifth|sixth|2nd|3rd|4th|5th|6th|\d+th) time"
    r"|(?:several|many|multiple|so many|countless|\d+) times|how many times"
    r"|for (?:weeks|months|days|ages|so long|too long)"
    r"|for (?:over |more than |almost |nearly )?(?:a|one|two|three|four|five|six|several|\d+)"
    r" (?:weeks?|months?|days?)"
    r"|been waiting|keep (?:getting|asking|telling|saying|calling|waiting)"
    r"|(?:nobody|no one|no-one) (?:has )?(?:replied|responded|answered|helped|got back)"
    r"|no (?:reply|response|answer)|forever"
    r"|todavia (?:no|espero|estoy esperando)|sigo esperando|otra vez|de nuevo"
    r"|(?:segunda|tercera|cuarta|quinta) vez|(?:varias|muchas) veces|cuantas veces"
    r"|hace (?:semanas|meses)|nadie (?:me )?(?:responde|contesta|ha respondido)|sin respuesta"
    r"|toujours (?:pas|rien|en attente)|encore une fois|de nouveau"
    r"|(?:deuxieme|troisieme|quatrieme|cinquieme) fois|(?:plusieurs|nombreuses) fois"
    r"|combien de fois|depuis (?:des )?(?:semaines|mois)|personne ne (?:repond|m'a repondu)"
    r"|sans reponse|j'attends (?:toujours|encore|depuis)"
    r"|immer noch|schon wieder|wieder einmal|(?:zum )?(?:zweiten|dritten|vierten|funften) mal"
    r"|mehrmals|mehrfach|wie oft noch|seit (?:wochen|monaten)|niemand (?:antwortet|meldet sich"
    r"|hat geantwortet)|keine antwort|warte (?:immer noch|seit)"
    r"|ainda (?:nao|estou esperando|aguardando)|de novo|outra vez|mais uma vez"
    r"|(?:segunda|terceira|quarta|quinta) vez|(?:varias|muitas) vezes|quantas vezes"
    r"|(?:ha|faz) (?:semanas|meses)|ninguem (?:me )?(?:responde|respondeu)|sem resposta"
    r"|ancora (?:non|niente|in attesa)|di nuovo|ancora una volta|(?:seconda|terza|quarta|quinta)"
    r" volta|(?:piu|tante|diverse) volte|quante volte|da (?:settimane|mesi)"
    r"|nessuno (?:mi )?(?:risponde|ha risposto)|nessuna risposta|aspetto (?:ancora|da)"
    r"|nog steeds|alweer|weer eens|opnieuw|(?:tweede|derde|vierde|vijfde) keer"
    r"|(?:meerdere|zo vaak) keren|hoe vaak nog|al (?:weken|maanden)"
    r"|niemand (?:reageert|antwoordt|heeft gereageerd)|geen (?:reactie|antwoord)"
)
_THREAT = _words(
    r"(?:clos|cancel|terminat|delet|shut)\w* (?:down )?(?:my|the|this) account"
    r"|(?:switch|switching|move|moving|go|going|take|taking) (?:my (?:money|business|custom)"
    r" )?(?:to )?(?:another bank|a different bank|a competitor|elsewhere|somewhere else)"
    r"|(?:leave|leaving|quit|quitting|done with) (?:your|this) (?:bank|company|service)"
    r"|never (?:use|using|bank with|banking with|recommend|recommending) (?:you|this|your)"
    r"|(?:cerrar|cancelar|dar de baja) (?:mi|la) cuenta|(?:me voy|me cambio|cambiarme) (?:a|de)"
    r" (?:otro )?banco|nunca mas (?:uso|usare|volvere)"
    r"|(?:fermer|cloturer|resilier) (?:mon|le) compte|changer de banque"
    r"|(?:aller|partir) (?:a|dans) une autre banque|quitter (?:votre|cette) banque"
    r"|(?:mein )?konto (?:\w+ )?(?:kundigen|schliessen|auflosen)|(?:kundige|schliesse) (?:ich )?"
    r"(?:mein|das) konto|(?:die )?bank wechseln|zur konkurrenz"
    r"|(?:encerrar|cancelar|fechar) (?:a )?minha conta|(?:mudar|trocar) de banco"
    r"|ir para outro banco"
    r"|(?:chiudere|chiudo|estinguere) (?:il )?(?:mio )?conto|cambi(?:are|o) banca"
    r"|passare a un'altra banca"
    r"|(?:mijn )?rekening (?:\w+ )?(?:opzeggen|opheffen|sluiten)|overstappen naar (?:een )?"
    r"andere bank|naar een andere bank"
)
_REPEATED_PUNCTUATION = re.compile(r"[!?\uff01\uff1f]{2,}")
_LETTER_WORD = re.compile(r"(?<!\w)[^\W\d_]{3,}(?!\w)")

# A negator up to two filler words before a lexicon word flips or cancels it
# ("not happy", "not at all happy", "isn't good"); other words in between end the
# negation's scope, so "never been so angry" stays angry.
_NEGATED_BEFORE = re.compile(
    r"(?:(?<!\w)(?:not|no|never|hardly|without|nothing|dont|didnt|isnt|wasnt|arent|cant|wont"
    r"|nunca|nada|sin|pas|jamais|sans|nicht|nie|kein|keine|nao|nem|non|mai|niet|nooit|geen)"
    r"|n't)(?:\s+(?:very|too|so|that|really|at|all|particularly|exactly|entirely|quite|a|an"
    r"|be|feel|feeling|am|is|was|being|muy|tan|estoy|es|esta|tres|si|du|tout|sehr|so|ganz"
    r"|bin|ist|muito|tao|estou|e|esta|molto|per|niente|sono|erg|zo|echt|ben|is))*\s+$",
    re.IGNORECASE,
)
_INTENSIFIED_BEFORE = re.compile(
    r"(?<!\w)(?:very|so|really|extremely|totally|absolutely|completely|utterly|incredibly"
    r"|ridiculously|super|truly|seriously|beyond|such a|such an|most|fucking|bloody"
    r"|muy|totalmente|completamente|absolutamente|realmente|tres|vraiment|completement"
    r"|totalement|absolument|sehr|total|vollig|wirklich|echt|absolut|muito|molto|davvero"
    r"|veramente|proprio|heel|zeer|ontzettend|enorm)\s+$",
    re.IGNORECASE,
)
_LOOKBEHIND_CHARS = 40

# Upper-case abbreviations a calm customer writes; they are not shouting.
_ACRONYMS = frozenset(
    {
        *("ATM", "PIN", "USD", "EUR", "GBP", "CHF", "JPY", "AUD", "CAD", "IBAN", "SWIFT"),
        *("BIC", "SEPA", "API", "APP", "FAQ", "GDPR", "ASAP", "UK", "USA", "CVV", "CVC"),
        *("NFC", "SMS", "OTP", "KYC", "VISA", "IOS", "ETA", "BTC", "ETH", "EEA", "UAE"),
        *("PDF", "URL", "LTD", "PLC", "CEO", "FCA"),
    }
)


def _trim(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_EVIDENCE_CHARS else text[: _MAX_EVIDENCE_CHARS - 3] + "..."


def _preceded_by(pattern: re.Pattern[str], text: str, start: int) -> re.Match[str] | None:
    return pattern.search(text, max(0, start - _LOOKBEHIND_CHARS), start)


class SentimentScorer:
    """Score how frustrated or angry a customer sounds, in [0, 1].

    A transparent lexicon-and-rules scorer: no model, no training, the same text
    always gets the same score, and every point of the score can be traced to
    words in the ticket. It reads :attr:`Ticket.text` (subject and every customer
    message) through :func:`~hybridroute.text.normalize_for_matching` (case kept,
    accents and invisible characters removed, look-alike letters folded), so
    ``evidence`` quotes that normalised text. The lexicon covers English,
    Spanish, French, German, Portuguese, Italian and Dutch (:attr:`languages`;
    "estoy harto", "c'est inadmissible", "ich bin total genervt", "um absurdo",
    "una vergogna", "belachelijk"); other languages score near 0 except for
    shouting and repeated punctuation.

    Each feature counts occurrences, capped at ``COUNT_CAP`` (3); the score is

    ``value = 1 - exp(-max(0, sum(weight[f] * min(count[f], 3))))``

    so no evidence gives 0, and each extra piece of evidence moves the score less.

    ========================  ======  =========================================
    feature                   weight  counts
    ========================  ======  =========================================
    ``negative_words``        0.35    anger and frustration words ("useless",
                                      "ridiculous", "fed up", "unacceptable"),
                                      unless negated ("not bad")
    ``intensified``           0.20    negative words right after an intensifier
                                      ("absolutely useless"), on top of the word
    ``negated_positive``      0.30    negated praise ("not happy", "isn't good")
    ``positive_words``        -0.15   un-negated praise and thanks ("thank you")
    ``shouting``              0.20    ALL-CAPS words of 3+ letters, except common
                                      abbreviations (ATM, PIN, IBAN...)
    ``repeated_punctuation``  0.25    runs such as "!!", "???", "?!"
    ``profanity``             0.60    swearing ("wtf", "bullshit", "bloody")
    ``waiting``               0.25    "still", "again", "third time", "for weeks",
                                      "no reply", "how many times"
    ``threat_to_leave``       0.50    "close my account", "switch to another
                                      bank", "never use you again"
    ========================  ======  =========================================

    A negator ("not", "never", "n't", ...) up to two filler words before a
    lexicon word ("not at all happy") cancels a negative word and turns praise
    into ``negated_positive``. The ``features`` of each signal hold the capped
    counts under exactly these keys (see :data:`SENTIMENT_FEATURES`), and its
    ``evidence`` up to five of the phrases that fired.

    Parameters
    ----------
    name : str
        Name of the signal this scorer produces.
    weights : mapping of str to float, optional
        Replacement weights for some features; the others keep their default.

    Examples
    --------
    >>> from hybridroute.models import Ticket
    >>> scorer = SentimentScorer()
    >>> calm, angry = scorer.score([
    ...     Ticket(id="1", body="How do I change my PIN?"),
    ...     Ticket(id="2", body="Third time asking. This is RIDICULOUS!!!"),
    ... ])
    >>> calm.value
    0.0
    >>> round(angry.value, 2), angry.evidence
    (0.65, ('RIDICULOUS', 'Third time', '!!!'))
    """

    def __init__(
        self, name: str = "sentiment", *, weights: Mapping[str, float] | None = None
    ) -> None:
        self.name = name
        self.weights = checked_weights(weights, DEFAULT_SENTIMENT_WEIGHTS, kind="sentiment")

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.weights.items() if DEFAULT_SENTIMENT_WEIGHTS[k] != v}
        extra = f", weights={changed!r}" if changed else ""
        return f"{type(self).__name__}(name={self.name!r}{extra})"

    languages: ClassVar[frozenset[str]] = SENTIMENT_LANGUAGES
    """ISO 639-1 codes of the languages the built-in lexicon covers."""

    def score(self, tickets: Sequence[Ticket]) -> list[ScoreSignal]:
        """Score each ticket's frustration.

        Parameters
        ----------
        tickets : sequence of Ticket
            The tickets to score.

        Returns
        -------
        list of ScoreSignal
            One signal per ticket, in order.
        """
        return [self._score_text(ticket.text) for ticket in tickets]

    def _score_text(self, raw: str) -> ScoreSignal:
        text = normalize_for_matching(raw, casefold=False)
        counts, evidence = _count_features(text)
        raw_score = sum(self.weights[k] * min(counts[k], COUNT_CAP) for k in SENTIMENT_FEATURES)
        value = 1.0 - math.exp(-max(0.0, raw_score))
        features = {k: float(min(counts[k], COUNT_CAP)) for k in SENTIMENT_FEATURES}
        return ScoreSignal(value=value, features=features, evidence=evidence)


def _count_features(text: str) -> tuple[dict[str, int], tuple[str, ...]]:
    """Uncapped counts of every feature, and the phrases behind them, strongest first."""
    counts = dict.fromkeys(SENTIMENT_FEATURES, 0)
    found: dict[str, list[str]] = {k: [] for k in SENTIMENT_FEATURES}
    for match in _NEGATIVE.finditer(text):
        if _preceded_by(_NEGATED_BEFORE, text, match.start()):
            continue
        found["negative_words"].append(match.group())
        if _preceded_by(_INTENSIFIED_BEFORE, text, match.start()):
            found["intensified"].append(match.group())
    for match in _POSITIVE.finditer(text):
        negator = _preceded_by(_NEGATED_BEFORE, text, match.start())
        if negator is None:
            found["positive_words"].append(match.group())
        else:
            found["negated_positive"].append(text[negator.start() : match.end()])
    for key, pattern in (
        ("profanity", _PROFANITY),
        ("waiting", _WAITING),
        ("threat_to_leave", _THREAT),
        ("repeated_punctuation", _REPEATED_PUNCTUATION),
    ):
        found[key] = pattern.findall(text)
    found["shouting"] = [
        w for w in _LETTER_WORD.findall(text) if w.isupper() and w not in _ACRONYMS
    ]
    for key in SENTIMENT_FEATURES:
        counts[key] = len(found[key])
    return counts, _evidence(found)


_EVIDENCE_ORDER = (
    "profanity",
    "threat_to_leave",
    "negative_words",
    "negated_positive",
    "waiting",
    "repeated_punctuation",
    "shouting",
)


def _evidence(found: Mapping[str, list[str]]) -> tuple[str, ...]:
    picked: list[str] = []
    seen: set[str] = set()
    for key in _EVIDENCE_ORDER:
        for phrase in found[key]:
            trimmed = _trim(phrase)
            if trimmed.casefold() in seen:
                continue
            seen.add(trimmed.casefold())
            picked.append(trimmed)
            if len(picked) == _MAX_EVIDENCE:
                return tuple(picked)
    return tuple(picked)
