"""RiskTopicDetector in Spanish, French, German, Portuguese, Italian and Dutch (issue 11)."""

from __future__ import annotations

import pytest

import hybridroute as hr
from hybridroute.classifiers.risk import RISK_TOPIC_LANGUAGES, RiskTopicDetector

DETECTOR = RiskTopicDetector()


def _labels(text: str) -> tuple[str, ...]:
    return DETECTOR.score([hr.Ticket(id="T", body=text)])[0].labels


# The exact strings of issue 11: auto-answered before.
@pytest.mark.parametrize(
    "text",
    [
        "When will my card arrive? Alguien robó mi tarjeta y la está usando.",
        "When will my card arrive? On m'a volé ma carte et quelqu'un l'utilise.",
        "When will my card arrive? Das ist Betrug, jemand hat mit meiner Karte bezahlt.",
        "Wann kommt meine Karte? Betrug!",
    ],
)
def test_issue_fraud_reports_outside_english_are_fraud(text: str) -> None:
    assert "fraud" in _labels(text)


POSITIVES: dict[str, list[tuple[str, str]]] = {
    "es": [
        ("Alguien robó mi tarjeta y la está usando.", "fraud"),
        ("Creo que me han estafado por teléfono, me pidieron el código.", "fraud"),
        ("He perdido mi tarjeta en el metro, ¿pueden bloquearla?", "fraud"),
        ("Me han clonado la tarjeta en un cajero.", "fraud"),
        ("No reconozco este cargo de 89,90 € en mi cuenta.", "unauthorised_transaction"),
        ("Hay una compra que yo no hice en Amazon.", "unauthorised_transaction"),
        ("Me cobraron dos veces el mismo pago en el supermercado.", "dispute"),
        ("Quiero disputar un cargo, la tienda no me quiere devolver el dinero.", "dispute"),
        ("Si no lo solucionan hablaré con mi abogado.", "legal"),
        ("Voy a poner una denuncia en la policía.", "legal"),
        ("Mi padre falleció el mes pasado y no sé qué hacer con su cuenta.", "vulnerable_customer"),
        ("Perdí mi trabajo y no puedo pagar el alquiler este mes.", "vulnerable_customer"),
        ("Quiero poner una queja formal, esto es inaceptable.", "complaint"),
    ],
    "fr": [
        ("On m'a volé ma carte hier soir dans le métro.", "fraud"),
        ("Je pense que c'est une arnaque, j'ai donné mes codes par téléphone.", "fraud"),
        ("Quelqu'un a utilisé ma carte pour payer en ligne.", "fraud"),
        ("Je ne reconnais pas ce prélèvement de 45 euros.", "unauthorised_transaction"),
        ("Il y a un paiement que je n'ai jamais fait sur mon relevé.", "unauthorised_transaction"),
        ("J'ai été débité deux fois pour le même achat.", "dispute"),
        ("Je veux contester une opération, le marchand refuse de rembourser.", "dispute"),
        ("Je vais porter plainte.", "legal"),
        ("Mon avocat va vous contacter.", "legal"),
        ("Mon mari est décédé et je dois clôturer son compte.", "vulnerable_customer"),
        ("Je suis au chômage et je n'ai plus les moyens de payer.", "vulnerable_customer"),
        ("Je souhaite déposer une réclamation, c'est inadmissible.", "complaint"),
    ],
    "de": [
        ("Das ist Betrug!", "fraud"),
        ("Ich bin Opfer von Kreditkartenbetrug geworden.", "fraud"),
        ("Jemand hat mit meiner Karte bezahlt.", "fraud"),
        ("Meine Geldbörse wurde gestohlen, bitte sperren Sie meine Karte.", "fraud"),
        ("Ich erkenne diese Abbuchung nicht, das war ich nicht.", "unauthorised_transaction"),
        ("Es gibt eine unbekannte Zahlung auf meinem Konto.", "unauthorised_transaction"),
        ("Mir wurde der Betrag doppelt abgebucht.", "dispute"),
        ("Die Rückerstattung ist immer noch nicht angekommen.", "dispute"),
        ("Ich werde einen Anwalt einschalten.", "legal"),
        ("Dann sehen wir uns vor Gericht.", "legal"),
        ("Meine Mutter ist verstorben, ich bin die Erbin.", "vulnerable_customer"),
        ("Ich bin arbeitslos und kann die Miete nicht mehr bezahlen.", "vulnerable_customer"),
        ("Ich möchte mich beschweren, das ist eine Frechheit.", "complaint"),
    ],
    "pt": [
        ("Caí num golpe, alguém usou meu cartão.", "fraud"),
        ("Meu cartão foi clonado e fizeram compras.", "fraud"),
        ("Roubaram minha carteira com o cartão dentro.", "fraud"),
        ("Não reconheço esta compra na minha fatura.", "unauthorised_transaction"),
        ("Tem um saque que eu não fiz.", "unauthorised_transaction"),
        ("Fui cobrado duas vezes pela mesma compra.", "dispute"),
        ("Quero contestar essa cobrança, o estorno ainda não caiu.", "dispute"),
        ("Vou procurar um advogado e entrar na justiça.", "legal"),
        ("Vou registrar no Procon.", "legal"),
        ("Minha mãe faleceu e preciso encerrar a conta dela.", "vulnerable_customer"),
        ("Estou desempregado e endividado.", "vulnerable_customer"),
        ("Quero fazer uma reclamação, péssimo atendimento.", "complaint"),
    ],
    "it": [
        ("Mi hanno clonato la carta.", "fraud"),
        ("Credo di essere stato truffato con un SMS falso.", "fraud"),
        ("Ho smarrito il portafoglio con il bancomat, potete bloccare la carta?", "fraud"),
        ("Non riconosco questo addebito di 120 euro.", "unauthorised_transaction"),
        ("C'è un pagamento che non ho mai fatto.", "unauthorised_transaction"),
        ("Mi è stato addebitato due volte lo stesso acquisto.", "dispute"),
        ("Voglio contestare un addebito, il rimborso non è mai arrivato.", "dispute"),
        ("Mi rivolgerò a un avvocato.", "legal"),
        ("Farò ricorso all'Arbitro Bancario Finanziario.", "legal"),
        ("Mio padre è deceduto, come gestisco la successione?", "vulnerable_customer"),
        ("Ho perso il lavoro e non riesco a pagare le rate.", "vulnerable_customer"),
        ("Voglio fare un reclamo, è inaccettabile.", "complaint"),
    ],
    "nl": [
        ("Iemand heeft mijn pas gebruikt.", "fraud"),
        ("Ik ben opgelicht via een nep-sms.", "fraud"),
        ("Mijn pinpas is gestolen, kunt u hem blokkeren?", "fraud"),
        ("Ik herken deze afschrijving niet.", "unauthorised_transaction"),
        (
            "Er staat een betaling op mijn rekening die ik niet heb gedaan.",
            "unauthorised_transaction",
        ),
        ("Het bedrag is twee keer afgeschreven.", "dispute"),
        ("Ik wil deze betaling terugboeken.", "dispute"),
        ("Ik schakel een advocaat in.", "legal"),
        ("Ik ga een klacht indienen bij het Kifid.", "legal"),
        ("Mijn vader is overleden, wat moet ik doen met zijn rekening?", "vulnerable_customer"),
        ("Ik heb schulden en kan de huur niet meer betalen.", "vulnerable_customer"),
        ("Ik wil een klacht indienen, dit is schandalig.", "complaint"),
    ],
}

NEGATIVES: dict[str, list[str]] = {
    "es": [
        "¿Cuándo llegará mi tarjeta?",
        "¿Cómo puedo cambiar mi PIN?",
        "¿Cuál es el tipo de cambio para pagar en dólares?",
        "He perdido el autobús, ¿puedo pagar el taxi con la tarjeta?",
        "Quiero hacer una transferencia a mi hermana.",
    ],
    "fr": [
        "Quand vais-je recevoir ma nouvelle carte ?",
        "Mon vol pour Lisbonne a été annulé, puis-je payer un autre billet avec ma carte ?",
        "Comment activer le paiement sans contact ?",
        "Je n'ai pas encore fait mon virement, quel est le délai ?",
        "Pouvez-vous m'envoyer un relevé de compte ?",
    ],
    "de": [
        "Wann kommt meine neue Karte an?",
        "Wie hoch ist der Betrag für eine Auslandsüberweisung?",
        "Ich möchte mein Limit für Kartenzahlungen erhöhen.",
        "Kann ich mit Apple Pay bezahlen?",
        "Wie ändere ich meine Adresse in der App?",
    ],
    "pt": [
        "Quando vai chegar o meu cartão?",
        "Como faço para processar um pagamento por Pix?",
        "Qual é a taxa de câmbio hoje?",
        "Quero aumentar o limite do cartão.",
        "Posso pagar a fatura pelo aplicativo?",
    ],
    "it": [
        "Quando arriva la mia nuova carta?",
        "Come posso cambiare il PIN del bancomat?",
        "Qual è la sede legale della banca?",
        "Vorrei fare un bonifico all'estero.",
        "Posso pagare con Google Pay?",
    ],
    "nl": [
        "Wanneer komt mijn nieuwe pas aan?",
        "Ik ben pas verhuisd, hoe wijzig ik mijn adres?",
        "Hoe kan ik mijn pincode wijzigen?",
        "Wat is de wisselkoers voor dollars?",
        "Kan ik contactloos betalen met mijn telefoon?",
    ],
}


def test_languages_cover_the_seven_languages_of_the_human_request_detector() -> None:
    assert frozenset({"en", "es", "fr", "de", "pt", "it", "nl"}) == RISK_TOPIC_LANGUAGES
    assert RiskTopicDetector.languages == RISK_TOPIC_LANGUAGES
    assert hr.HumanRequestDetector.languages <= RISK_TOPIC_LANGUAGES


@pytest.mark.parametrize(
    ("language", "text", "topic"),
    [(lang, text, topic) for lang, cases in POSITIVES.items() for text, topic in cases],
)
def test_native_phrasing_reports_its_topic(language: str, text: str, topic: str) -> None:
    assert topic in _labels(text), (language, text)


@pytest.mark.parametrize(
    ("language", "text"), [(lang, text) for lang, texts in NEGATIVES.items() for text in texts]
)
def test_ordinary_questions_report_nothing(language: str, text: str) -> None:
    assert _labels(text) == (), (language, text)


def test_every_topic_is_covered_in_every_language() -> None:
    for language, cases in POSITIVES.items():
        assert {topic for _, topic in cases} == {t.value for t in hr.RiskTopic}, language


def test_accents_in_user_patterns_match_the_normalised_text() -> None:
    detector = RiskTopicDetector(topics={"crypto": [r"criptomoneda", r"bitcóin"]})
    assert detector.score([hr.Ticket(id="T", body="Quiero comprar bitcóin")])[0].labels == (
        "crypto",
    )
