"""What site chrome looks like, in words and in shape, for any publisher: newsletter, donation,
subscription and navigation vocabulary in several languages, reader-address density, and the
shapes of headlines, labels and prose lines. The text extractor combines these cues with
repetition evidence; nothing here knows a particular site.
"""

from __future__ import annotations

import re
import unicodedata

#: Phrases that mark a short line as an appeal or a prompt rather than reporting.
_APPEAL = re.compile(
    r"""
    \bsign[ -]?up\b | \bsubscri(?:be|ption)\b | \bnewsletters?\b | \bdonat(?:e|ion|ions|ing)\b
    | \bdonors?\b | tax[- ]deductible | \bchip\ in\b | \bfundrais | \bclick\ away\b
    | \bsupport\ (?:our|independent)\ (?:journalism|work|reporting|newsroom)\b | \bsupport\ us\b
    | \byour\ inbox\b | \bstay\ up[- ]to[- ]date\b
    | \bfollow\ us\b | \bshare\ this\b | \bbecome\ a\ (?:member|patron|supporter)\b
    | \ball\ rights\ reserved\b | \bprivacy\ policy\b | \bcookies?\b
    | \bterms\ of\ (?:use|service)\b
    | \bwatch\ video | \bshow\ (?:less|more)\b | \bread\ more\b | \bload\ more\b | \blog\ ?in\b
    | \bsponsored\b | \badvertisement\b
    # ru / uk
    | подпис(?:аться|ывайтесь|ка|ки|ку)\b | підпис(?:атися|уйтесь|ка|ки|ку)\b | рассылк | розсилк
    | пожертвовани | пожертв[уи]\b | поддержите | підтримайте | читайте\ (?:также|також)
    | все\ права\ защищены | всі\ права\ захищені
    # de
    | abonnier | \bspende | unterstützen\ sie | \banzeige\b | weiterlesen | mehr\ zum\ thema
    # fr
    | abonnez | s['’]abonner | lettre\ d['’]information | faire\ un\ don | soutenez | publicité
    | lire\ aussi
    # es / pt / it
    | suscr[ií]b | bolet[ií]n | \bdon[ae]\ ahora | publicidad | lee\ también | assine
    | iscriviti | abbonati
    # cookie banners, sharing, comments, paywalls, "read more" prompts (all languages)
    | \baccept\ (?:all|cookies)\b | \bmanage\ (?:preferences|cookies)\b | \bskip\ to\b
    | \bcopy\ link\b | \bshare\ (?:on|via)\b | \blog\ in\ to\ comment\b | \bleave\ a\ comment\b
    | \bjoin\ (?:our|the)\ community\b | \bremind\ me\ later\b | \bcontinue\ reading\b
    | \bsubscribers?\ only\b | \bctrl\s*\+\s*enter\b
    | поделиться | поділитися | читать\ дальше | читати\ далі | показать\ ещ[её] | показати\ ще
    | оставить\ комментарий | залишити\ коментар | ваш\ e-?mail | поддержать | підтримати
    | усі\ права\ захищено
    | artikel\ teilen | link\ kopieren | jetzt\ weiterlesen | zustimmen | \banmelden\b
    | lire\ la\ suite | voir\ plus | s['’]inscrire | se\ connecter | réservé\ aux\ abonnés
    | accepter\ et | copier\ le\ lien | partager
    | compartir\ en | copiar\ enlace | seguir\ leyendo | lee\ sin\ límites | iniciar\ sesión
    | leer\ más | aceptar
    | \bgift\ (?:this\ )?article\b | \bsave\ for\ later\b | \blisten\ to\ (?:this\ )?article\b
    | \breading\ time\b | offrir\ cet\ article | lire\ plus\ tard | réutiliser\ ce\ contenu
    | temps\ de\ lecture | déjà\ abonné | artikel\ verschenken | merken\b | lesezeit
    | время\ чтения | час\ читання | tiempo\ de\ lectura | guardar\ para\ después
    """,
    re.IGNORECASE | re.VERBOSE,
)
#: Whole lines that are navigation labels (compared case-folded, punctuation stripped).
_NAV_LABELS = frozenset(
    {
        "latest",
        "latest news",
        "we recommend",
        "recommended",
        "related",
        "related articles",
        "related stories",
        "read more",
        "more",
        "most read",
        "most popular",
        "popular",
        "trending",
        "share",
        "tweet",
        "email",
        "print",
        "comments",
        "menu",
        "search",
        "home",
        "next",
        "previous",
        "top stories",
        "subscribe",
        "donate",
        "advertisement",
        "more stories",
        "see also",
        "главное",
        "читайте также",
        "новости",
        "реклама",
        "головне",
        "читайте також",
        "новини",
        "mehr",
        "lesen sie auch",
        "à lire aussi",
        "lire aussi",
        "más",
        "lee también",
        "read also",
        "also read",
        "more on this",
        "more on this story",
        "read next",
        "load more",
        "show more",
        "reply",
        "comment",
        "facebook",
        "twitter",
        "telegram",
        "whatsapp",
        "youtube",
        "instagram",
        "linkedin",
        "vk",
        "x",
        "xcom",
        "copy link",
        "tags",
        "about us",
        "contact",
        "contact us",
        "newsletter",
        "newsletters",
        "support us",
        "once",
        "monthly",
        "annually",
        "continue",
        "accept",
        "reject all",
        "settings",
        "skip to main content",
        "поделиться",
        "комментарии",
        "читать дальше",
        "показать ещё",
        "показать еще",
        "поиск",
        "главная",
        "поддержать",
        "поділитися",
        "коментарі",
        "читати далі",
        "показати ще",
        "пошук",
        "головна",
        "підтримати",
        "зрозуміло",
        "теги",
        "menü",
        "suche",
        "startseite",
        "schlagzeilen",
        "anmelden",
        "einstellungen",
        "teilen",
        "kommentare",
        "impressum",
        "datenschutz",
        "nutzungsbedingungen",
        "weiterlesen",
        "voir plus",
        "lire la suite",
        "commentaires",
        "partager",
        "se connecter",
        "sabonner",
        "recherche",
        "más información",
        "comentarios",
        "normas",
        "compartir",
        "buscar",
        "leer más",
        "sobre la firma",
        "suscríbete",
        "iniciar sesión",
    }
)
#: Labels that open a list of links to other stories ("Read also", "Mehr zum Thema").
_RELATED_LABELS = frozenset(
    {
        "read also",
        "also read",
        "related",
        "related articles",
        "related stories",
        "more on this",
        "more on this story",
        "see also",
        "we recommend",
        "recommended",
        "more stories",
        "read next",
        "читайте также",
        "читайте також",
        "по теме",
        "на тему",
        "mehr zum thema",
        "lesen sie auch",
        "lire aussi",
        "à lire aussi",
        "sur le même sujet",
        "más información",
        "lee también",
        "te puede interesar",
    }
)
#: A comment section or a paywall: what follows is not the article.
_END = re.compile(
    r"""^(?:
    (?:comments?|комментарии|коментарі|kommentare|commentaires|comentarios)(?:\s*\(?\d+\)?)?
    | \d+\s+(?:comments?|комментари[йея]|коментар(?:і|ів)?|kommentare|commentaires|comentarios)
    | (?:jetzt\ )?weiterlesen\ mit\b.* | .*\bsuscríbete\ para\ seguir\ leyendo\b.*
    | (?:subscribe|sign\ in|log\ in)\ to\ (?:continue|keep)\ reading\b.*
    | this\ (?:article|content)\ is\ (?:for|available\ to)\ (?:paying\ )?subscribers\b.*
    | la\ suite\ est\ réservée\ aux\ abonnés\b.*
    | (?:продолжение|полный\ текст)\ доступ\w*\ (?:только\ )?(?:для\ )?подписчик.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
#: A salutation that opens a letter to the reader (a donation box): "Dear readers,".
_SALUTATION = re.compile(
    r"^(?:dear\ (?:readers?|friends?)|дорогие\ читатели|уважаемые\ читатели|дорогі\ читачі"
    r"|шановні\ читачі|liebe\ leser\w*(?:\ und\ leser)?|chers?\ lect\w+|chères?\ lect\w+"
    r"|querid[oa]s?\ lector\w*)\b[^.]{0,30}[,!:]?$",
    re.IGNORECASE | re.VERBOSE,
)
#: Words that sell something: a block structure repeated by promos is no evidence of teasers.
_PROMO = re.compile(
    r"subscri|sign[ -]?up|donat|support|member|newsletter|magazine|\bsave\b|\bbuy\b|\boffer"
    r"|подпис|підпис|поддерж|підтрим|abonn|spende|suscr|\bdon\b"
    r"|advert|sponsor|anzeige|реклам|publicidad|publicité",
    re.IGNORECASE,
)
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
    r"|januar|februar|märz|mai|juni|juli|oktober|dezember"
    r"|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre"
    r"|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
    r"|ene|abr|ago|dic"
    r"|январ[яь]|феврал[яь]|март[а]?|апрел[яь]|ма[йя]|июн[яь]|июл[яь]|август[а]?"
    r"|сентябр[яь]|октябр[яь]|ноябр[яь]|декабр[яь]"
    r"|січ(?:ня|ень)|лют(?:ого|ий)|берез(?:ня|ень)|квіт(?:ня|ень)|травн(?:я|ень)|черв(?:ня|ень)"
    r"|лип(?:ня|ень)|серп(?:ня|ень)|верес(?:ня|ень)|жовт(?:ня|ень)|листопад(?:а)?|груд(?:ня|ень)"
)
_DATE_PART = re.compile(
    rf"\b\d{{1,2}}\.?\s+(?:{_MONTHS})\b\.?|\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b"
    r"|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[:.h]\d{2}\b"
    r"|\b\d+\s*(?:min(?:ute)?s?|hours?|hrs?|days?)\s+(?:ago|read)\b"
    r"|\b\d+\s*(?:мин|час\w*|хв\w*|год\w*)\.?\s+(?:назад|тому)\b",
    re.IGNORECASE,
)
_CREDIT_LINE = re.compile(
    r"^(?:photos?|images?|pictures?|credit|фото|foto|fotos|bild|photo\ ?credit)"
    r"\s*(?::|©|by)\s*\S.{0,80}$",
    re.IGNORECASE,
)
_INLINE_LABEL = re.compile(
    r"^(?:read\ (?:also|more)|also\ read|see\ also|related|читайте\ (?:также|також)"
    r"|по\ теме|lesen\ sie\ auch|mehr\ zum\ thema|lire\ aussi|à\ lire\ aussi"
    r"|lee\ también|más\ información|tags?|теги|метки|мітки|schlagw\w+|mots[- ]clés"
    r"|etiquetas)\s*[:|]\s*\S",
    re.IGNORECASE | re.VERBOSE,
)
#: Pronouns of an appeal to the reader ("we need you"), counted per word.
ADDRESS = frozenset(
    {
        "we",
        "our",
        "us",
        "you",
        "your",
        "yours",
        "мы",
        "нас",
        "наш",
        "наша",
        "наши",
        "вы",
        "вас",
        "ваш",
        "ми",
        "ви",
        "nous",
        "notre",
        "vous",
        "votre",
        "wir",
        "uns",
        "unser",
        "ihr",
        "nosotros",
        "nuestro",
        "usted",
    }
)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
_BYLINE = re.compile(
    r"^(?:(?:see\ )?more\ (?:by|from)|articles\ by|written\ by|by|par|von|por|di|door|автор(?:ы)?:?"
    r"|текст:?)\s+(?P<names>[^\W\d_][^\n]{1,120})$",
    re.IGNORECASE | re.VERBOSE,
)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bund\b|\bet\b|\by\b|\bи\b|\bі\b|&)\s*")


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def is_appeal(line: str) -> bool:
    """A line with newsletter, donation, subscription or navigation vocabulary that is also
    short or speaks to the reader: reporting *about* donations (a war-time crowdfunding story)
    is long and in the third person, so it stays."""
    if len(line) > 300 or _APPEAL.search(line) is None:
        return False
    return len(line) <= 80 or any(w.casefold() in ADDRESS for w in words(line))


def is_nav_label(line: str) -> bool:
    """A line that is only a navigation label ("Latest", "We Recommend")."""
    key = "".join(c for c in line.casefold() if not unicodedata.category(c).startswith("P"))
    return " ".join(key.split()) in _NAV_LABELS


def address_density(line: str) -> float:
    """Share of words that address the reader or speak for the outlet (we, our, you, ...)."""
    found = [w.casefold() for w in words(line)]
    return sum(w in ADDRESS for w in found) / len(found) if found else 0.0


def ends_sentence(line: str) -> bool:
    return _SENTENCE_END.search(line) is not None


def is_prose(line: str) -> bool:
    """A paragraph of running text: long, or a finished sentence of some length."""
    return len(line) >= 100 or (len(line) >= 40 and ends_sentence(line) and len(words(line)) >= 6)


def title_case_ratio(line: str) -> float:
    """Share of words of four or more letters that start with a capital."""
    long_words = [w for w in words(line) if len(w) >= 4]
    if not long_words:
        return 0.0
    return sum(w[0].isupper() for w in long_words) / len(long_words)


def is_headline_shaped(line: str) -> bool:
    """Three to thirty words, not ending like a sentence fragment (a headline may end in ? or
    !), starting with a capital, digit or quote."""
    n = len(words(line))
    if not 3 <= n <= 30 or len(line) > 250:
        return False
    if line.rstrip("\"'”’»").endswith((".", ",", ";", ":", "…")):
        return False
    first = line[0]
    return first.isupper() or first.isdigit() or first in "\"'“‘«"


def is_label_shaped(line: str) -> bool:
    """A rubric or section label: at most five words and 40 characters, no sentence."""
    return 1 <= len(words(line)) <= 5 and len(line) <= 40 and not ends_sentence(line.rstrip("-–— "))


def byline_names(line: str) -> list[str] | None:
    """The names of a byline line ("By A and B", "See more by A"), or None if it is not one."""
    match = _BYLINE.match(line.strip())
    if match is None:
        return None
    # "Par Benoît Vitkine (Moscou, correspondant)": the role in brackets is not a name.
    given = re.sub(r"\s*\([^()]*\)\s*$", "", match.group("names"))
    names = [n.strip(" .") for n in _NAME_SPLIT.split(given) if n.strip(" .")]
    if not names or any(len(words(n)) > 4 or not n[0].isupper() for n in names):
        return None
    return names


def _label_key(line: str) -> str:
    key = "".join(c for c in line.casefold() if not unicodedata.category(c).startswith("P"))
    return " ".join(key.split())


def is_related_label(line: str) -> bool:
    """A label that opens a list of links to other stories ("Read also:", "Mehr zum Thema")."""
    return _label_key(line) in _RELATED_LABELS


def is_inline_link(line: str) -> bool:
    """A link to another story or a tag list set inside the text ("Read also: ...", "Tags: ...")."""
    return len(line) <= 300 and _INLINE_LABEL.match(line) is not None


def is_end_marker(line: str) -> bool:
    """A comment-section header or a paywall prompt: the article text does not go on below it."""
    return len(line) <= 120 and _END.match(line.strip()) is not None


def is_salutation(line: str) -> bool:
    """A salutation to the readers ("Dear readers,"): the start of a letter asking for money."""
    return len(line) <= 60 and _SALUTATION.match(line.strip()) is not None


def is_promo(line: str) -> bool:
    """A line that sells a subscription, a membership or a donation."""
    return _PROMO.search(line) is not None


def is_dateline(line: str) -> bool:
    """A line that is only a date or time stamp ("28 September 2022", "03.10.2022, 18.03 Uhr",
    "Publié le 29 septembre 2022 à 06h00", "2 hours ago", "3 min read"): a day and month, a
    numeric date or a time, and at most two other words of four or more letters."""
    if len(line) > 90 or ends_sentence(line.rstrip(".")) and not line.endswith("."):
        return False
    if not _DATE_PART.search(line):
        return False
    rest = _DATE_PART.sub(" ", line)
    others = [w for w in words(rest) if len(w) >= 4 and not re.fullmatch(_MONTHS, w, re.I)]
    return len(others) <= 2


def is_credit_line(line: str) -> bool:
    """A photo credit on its own line ("Photo: Anna Ivanova / Agency", "Фото: Reuters")."""
    return len(line) <= 100 and _CREDIT_LINE.match(line.strip()) is not None


def is_standfirst(line: str) -> bool:
    """A standfirst or a teaser's text: prose, a short finished sentence, or a long sentence
    that the page leaves without a final period."""
    if is_prose(line) or (
        len(line) >= 25
        and ends_sentence(line)
        and len(words(line)) >= 5
        and not line.rstrip().endswith(":")
    ):
        return True
    return len(line) >= 60 and len(words(line)) >= 8 and not line.rstrip().endswith(":")


def is_bare_name(line: str) -> bool:
    """Two or three capitalised words and nothing else: an author's name printed without "By"."""
    found = words(line)
    if not 2 <= len(found) <= 3 or len(line) > 40 or ends_sentence(line.rstrip(".")):
        return False
    if any(c.isdigit() for c in line):
        return False
    rest = line
    for w in found:
        rest = rest.replace(w, "")
    capitalised = all(w[0].isupper() and (len(w) == 1 or not w.isupper()) for w in found)
    return capitalised and not rest.strip(" .")
