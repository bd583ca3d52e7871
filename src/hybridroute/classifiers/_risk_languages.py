"""Risk-topic patterns in Spanish, French, German, Portuguese, Italian and Dutch.

Each pattern is written for the text of
:func:`~hybridroute.text.normalize_for_matching` (accents removed, "ß" -> "ss",
straight apostrophes) and is matched case-insensitively as whole words, like the
English patterns of :data:`~hybridroute.classifiers.risk.RISK_TOPIC_PATTERNS`.
The phrasing is the one a customer uses writing to their bank; words with a
harmless everyday sense ("vol" a flight, "processar" a payment, "Gericht" a dish
in other contexts) are only matched inside a phrase that makes the risk clear.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["RISK_PATTERNS_BY_LANGUAGE"]

_ES = {
    "fraud": (
        r"fraude\w*|fraudulent\w*|estaf(?:a|as|ado|ada|aron|ador\w*)|timad[oa]|phishing"
        r"|suplantacion\s+de\s+identidad|robo\s+de\s+identidad|hackea\w*|clonad[oa]s?|clonaron",
        r"rob(?:o|aron|ado|ada|ados|adas)|me\s+han\s+robado|hurt(?:o|aron|ad[oa])",
        r"(?:perdi|he\s+perdido|extravie|se\s+me\s+(?:ha\s+)?(?:perdido|perdio)|no\s+encuentro)\s+"
        r"(?:mi|la|el|mis)\s+(?:tarjeta|cartera|billetera)"
        r"|(?:tarjeta|cartera|billetera)\s+(?:\w+\s+)?(?:perdida|extraviada|robada)",
        r"alguien\s+(?:\w+\s+){0,3}?(?:us(?:o|ado|ando)|utiliz(?:o|ado|ando)|sac(?:o|ado)"
        r"|gast(?:o|ado)|pag(?:o|ado)|compr(?:o|ado)|accedi(?:o|do)|entr(?:o|ado)|vaci(?:o|ado))",
        r"(?:bloque(?:ar|en|e|ad)\w*|congel(?:ar|en|e))\s+(?:\w+\s+)?(?:mi|la|el)\s+(?:tarjeta|cuenta)"
        r"|actividad\s+sospechosa|movimientos?\s+sospechosos?",
    ),
    "unauthorised_transaction": (
        r"no\s+(?:reconozco|reconocemos|identifico)|sin\s+mi\s+(?:permiso|autorizacion"
        r"|consentimiento|conocimiento)|no\s+autorizad[oa]s?|yo\s+no\s+(?:fui|lo\s+hice)",
        r"(?:cargo|cobro|compra|pago|retiro|movimiento|transaccion|transferencia|adeudo)(?:s|es)?\s+"
        r"(?:\w+\s+){0,3}?que\s+(?:yo\s+)?no\s+(?:he\s+)?(?:hice|hecho|realice|realizado|autorice"
        r"|autorizado|reconozco)",
        r"(?:cargo|cobro|compra|pago|retiro|movimiento|transaccion)(?:s|es)?\s+(?:\w+\s+)?"
        r"(?:desconocid|extran|rar|sospechos)\w*",
    ),
    "dispute": (
        r"contracargo\w*|disputa(?:r)?\s+(?:un|el|este|ese|una|la)\s+(?:cargo|cobro|pago|compra)"
        r"|impugnar\w*|reclamar\s+(?:un|el|este|ese)\s+(?:cargo|cobro|pago)",
        r"(?:cobrado|cobraron|cobro|cargaron|cargado|cargo|pagado|pague)\s+(?:\w+\s+){0,3}?"
        r"(?:dos\s+veces|por\s+duplicado|doble)|(?:cobro|cargo|pago)\s+(?:doble|duplicado)",
        r"(?:reembolso|devolucion)\s+(?:\w+\s+){0,3}?(?:no\s+(?:me\s+)?(?:ha\s+)?(?:llegado|llega"
        r"|recibido|aparece)|todavia\s+no|aun\s+no)|no\s+(?:he\s+)?recibido\s+(?:el|mi|ningun)\s+"
        r"(?:reembolso|devolucion)",
        r"(?:comercio|tienda|vendedor|empresa)\s+(?:\w+\s+){0,3}?no\s+(?:me\s+)?(?:quiere\s+)?"
        r"(?:devolver|reembolsar)",
    ),
    "legal": (
        r"abogad[oa]s?|demandar(?:les|los|le)?|demandare|denunci(?:a|ar|are|ado)|tribunal(?:es)?"
        r"|juzgado|accion(?:es)?\s+legal(?:es)?|medidas\s+legales|via\s+judicial",
        r"defensor\s+del\s+(?:cliente|pueblo)|banco\s+de\s+espana|proteccion\s+de\s+datos|rgpd",
    ),
    "vulnerable_customer": (
        r"falleci(?:o|do|da|miento)|ha\s+muerto|murio|difunt[oa]|herencia|funeral",
        r"enfermedad\s+grave|gravemente\s+enferm[oa]|cancer|hospitalizad[oa]|en\s+el\s+hospital"
        r"|discapacidad|discapacitad[oa]|depresion|demencia|alzheimer",
        r"no\s+(?:puedo|podemos)\s+pagar\s+(?:el|la|los|las|mi|mis)\s+(?:alquiler|facturas|hipoteca"
        r"|deudas|prestamo)|no\s+me\s+alcanza|perdi\s+(?:mi|el)\s+(?:trabajo|empleo)"
        r"|desemplead[oa]|en\s+paro|endeudad[oa]|(?:muchas|ahogad[oa]\s+en)\s+deudas",
        r"suicid\w*|quitarme\s+la\s+vida|violencia\s+(?:domestica|de\s+genero)|maltrato"
        r"|persona\s+mayor|ancian[oa]",
    ),
    "complaint": (
        r"quejas?(?:\s+formal(?:es)?)?|quejarme|me\s+quejo|reclamacion(?:es)?"
        r"|hoja\s+de\s+reclamaciones",
        r"inaceptable|indignante|vergonzoso|una\s+verguenza|pesimo\s+servicio|servicio\s+pesimo",
    ),
}

_FR = {
    "fraud": (
        r"fraud(?:e|es|eur|eurs|uleux|uleuse|uleuses)|arnaque\w*|escroc\w*|escroquerie\w*"
        r"|hameconnage|phishing|pirat(?:e|ee|es|ees|age)|usurpation\s+d'identite"
        r"|vol\s+d'identite|clonee?s?",
        r"(?:on\s+m'a|m'a|m'ont|a\s+ete|ont\s+ete|j'ai\s+ete|s'est\s+fait|me\s+suis\s+fait)\s+"
        r"vole(?:e|es|s)?|vol\s+de\s+(?:ma|mon)\s+(?:carte|portefeuille|sac)",
        r"(?:carte|portefeuille|sac)\s+(?:\w+\s+){0,2}?(?:volee?s?|perdue?s?)"
        r"|(?:perdu|egare)\s+(?:ma|mon)\s+(?:carte|portefeuille)",
        r"quelqu'un\s+(?:\w+\s+){0,3}?(?:utilise\w*|pris|retire|depense|paye|achete|accede|vide)",
        r"(?:bloquer|geler)\s+(?:\w+\s+)?(?:ma|mon|la|le)\s+(?:carte|compte)|faire\s+opposition"
        r"|activite\s+suspecte|operations?\s+suspectes?",
    ),
    "unauthorised_transaction": (
        r"(?:je\s+ne\s+)?(?:reconnais|reconnait)\s+pas|sans\s+mon\s+(?:accord|autorisation"
        r"|consentement)|non\s+autorisee?s?|ce\s+n'(?:est|etait)\s+pas\s+moi",
        r"(?:paiement|prelevement|debit|retrait|achat|operation|transaction|virement)s?\s+"
        r"(?:\w+\s+){0,4}?(?:que\s+|qu')je\s+n'ai\s+(?:jamais|pas)\s+(?:fait|effectue|autorise"
        r"|realise|demande)",
        r"(?:paiement|prelevement|debit|retrait|achat|operation|transaction)s?\s+(?:\w+\s+)?"
        r"(?:inconnue?s?|suspecte?s?|bizarres?|etranges?)",
    ),
    "dispute": (
        r"contester|conteste|contestation|litige",
        r"(?:preleve|debite|facture|paye|encaisse)e?s?\s+(?:\w+\s+){0,2}?(?:deux\s+fois|en\s+double)"
        r"|double\s+(?:prelevement|paiement|debit)",
        r"remboursement\s+(?:\w+\s+){0,3}?(?:pas\s+(?:encore\s+)?(?:recu|arrive)|toujours\s+pas"
        r"|jamais)|(?:pas|jamais)\s+(?:encore\s+)?(?:ete\s+)?rembourse(?:e|s|es)?",
    ),
    "legal": (
        r"avocat(?:e|s)?|porter\s+plainte|deposer\s+plainte|(?:poursuivre|attaquer)\s+"
        r"(?:\w+\s+)?en\s+justice|poursuites(?:\s+judiciaires)?|tribunal|action\s+en\s+justice",
        r"mediateur|acpr|cnil|rgpd|protection\s+des\s+donnees",
    ),
    "vulnerable_customer": (
        r"deces|decede(?:e|s|es)?|est\s+mort(?:e)?|(?:mon|ma)\s+(?:defunt|defunte)|succession"
        r"|obseques|funerailles",
        r"maladie\s+grave|gravement\s+malade|cancer|hospitalise(?:e)?|a\s+l'hopital|handicap\w*"
        r"|depression|demence|alzheimer",
        r"difficultes\s+financieres|je\s+ne\s+peux\s+(?:plus|pas)\s+payer\s+(?:mon|mes|le|les)\s+"
        r"(?:loyer|factures|credit|pret|dettes)|(?:plus|pas)\s+les\s+moyens|perdu\s+mon\s+"
        r"(?:emploi|travail)|au\s+chomage|surendett\w*",
        r"suicid\w*|me\s+tuer|en\s+finir\s+avec\s+la\s+vie|violences?\s+conjugales?"
        r"|personne\s+agee|tutelle|curatelle",
    ),
    "complaint": (
        r"(?:deposer|faire|porter)\s+(?:une\s+)?(?:plainte|reclamation)|me\s+plaindre"
        r"|reclamation(?:\s+officielle)?|plainte",
        r"inadmissible|inacceptable|scandaleu(?:x|se)|une\s+honte|service\s+(?:deplorable"
        r"|lamentable|catastrophique|nul)",
    ),
}

_DE = {
    "fraud": (
        r"\w*betrug\w*|betruger\w*|betrogen|betrugerisch\w*|abzocke\w*|phishing|gehackt"
        r"|\w*diebstahl|geklont|skimming",
        r"gestohlen|geklaut|bestohlen|(?:\w*karte|geldborse|portemonnaie|brieftasche)\s+"
        r"(?:\w+\s+){0,3}?(?:verloren|gestohlen|geklaut|verschwunden)",
        r"jemand\s+(?:\w+\s+){0,6}?(?:benutzt|verwendet|genutzt|bezahlt|abgehoben|eingekauft"
        r"|gekauft|zugegriffen|ausgegeben)",
        r"(?:\w*karte|konto)\s+(?:\w+\s+){0,2}?sperren|sperr(?:en|t)\s+(?:sie\s+)?(?:bitte\s+)?"
        r"(?:meine|die|mein)\s+(?:\w*karte|konto)|kartensperre|verdachtige\s+(?:\w+\s+)?"
        r"(?:aktivitat|aktivitaten|umsatze|buchungen)",
    ),
    "unauthorised_transaction": (
        r"nicht\s+(?:von\s+mir|autorisiert|genehmigt)|unautorisiert\w*|unberechtigt\w*"
        r"|ohne\s+(?:mein\s+wissen|meine\s+(?:zustimmung|erlaubnis|genehmigung))",
        r"(?:kenne|erkenne)\s+(?:ich\s+)?(?:diese[nrs]?|die|den|das)\s+(?:\w+\s+){0,2}?nicht"
        r"|(?:habe|hab)\s+(?:ich\s+)?(?:nie|nicht)\s+(?:\w+\s+){0,2}?(?:getatigt|veranlasst"
        r"|autorisiert|abgehoben)|das\s+war(?:\s+ich)?\s+nicht(?:\s+ich)?",
        r"(?:unbekannte|fremde|seltsame|merkwurdige|verdachtige)[nrs]?\s+(?:\w*abbuchung"
        r"|\w*zahlung|\w*buchung|lastschrift|abhebung|transaktion)\w*",
    ),
    "dispute": (
        r"reklamier\w*|widerspruch|widersprechen|\w*ruckbuchung\w*|zuruckbuchen|chargeback",
        r"(?:doppelt|zweimal)\s+(?:\w+\s+){0,2}?(?:abgebucht|belastet|berechnet|bezahlt"
        r"|abgezogen)|doppelte\s+(?:abbuchung|belastung|zahlung)",
        r"(?:erstattung|ruckerstattung|gutschrift|geld\s+zuruck)\s+(?:\w+\s+){0,4}?(?:nicht|nie"
        r"|noch\s+nicht)\s+(?:\w+\s+)?(?:erhalten|angekommen|bekommen|da)"
        r"|(?:nicht|noch\s+nicht|nie)\s+(?:\w+\s+)?(?:erstattet|zuruckerstattet)",
    ),
    "legal": (
        r"\w*anwalt\w*|verklagen|klage|klagen|gericht|vor\s+gericht|rechtliche\s+schritte"
        r"|juristisch\w*|strafanzeige|anzeige\s+erstatten",
        r"bafin|ombuds\w*|schlichtungsstelle|verbraucherzentrale|dsgvo|datenschutz\w*",
    ),
    "vulnerable_customer": (
        r"verstorben\w*|gestorben|tod\s+(?:meines|meiner)|todesfall|erbschaft|nachlass"
        r"|beerdigung",
        r"schwer\s+krank|schwerkrank|krebs|im\s+krankenhaus|behinder\w*|depression\w*|demenz"
        r"|alzheimer",
        r"finanzielle\s+(?:not|schwierigkeiten|probleme)|(?:miete|rechnungen|kredit|raten)\s+"
        r"nicht\s+(?:mehr\s+)?(?:bezahlen|zahlen)|arbeitslos\w*|(?:job|arbeit)\s+verloren"
        r"|schulden|\w*insolvenz",
        r"suizid\w*|selbstmord\w*|mich\s+umbringen|hausliche\s+gewalt|betreuer\w*"
        r"|vorsorgevollmacht|pflegeheim",
    ),
    "complaint": (
        r"beschwer(?:de|den|en|e)|beschweren|unverschamt\w*|inakzeptabel|unzumutbar|skandal\w*"
        r"|frechheit",
        r"(?:miserable[nrs]?|schlechteste[nrs]?|unterirdische[nrs]?)\s+(?:service|kundenservice)",
    ),
}

_PT = {
    "fraud": (
        r"fraude\w*|fraudulent\w*|golpe|golpes|golpista\w*|estelionat\w*|phishing|hackead[oa]s?"
        r"|invadid[oa]|clonad[oa]s?|clonaram|roubo\s+de\s+identidade",
        r"roub(?:o|aram|ado|ada|ados|adas)|furt(?:o|aram|ado|ada)|assaltad[oa]",
        r"(?:perdi|extraviei|nao\s+encontro)\s+(?:o\s+|a\s+)?(?:meu|minha)\s+(?:cartao|carteira)"
        r"|cartao\s+(?:\w+\s+)?(?:perdido|extraviado|roubado|furtado)",
        r"alguem\s+(?:\w+\s+){0,3}?(?:usou|usando|utilizou|sacou|gastou|comprou|acessou|pagou)",
        r"bloque(?:ar|ie|iem|em)\s+(?:o\s+|a\s+)?(?:meu|minha|o|a)\s+(?:cartao|conta)"
        r"|atividade\s+suspeita",
    ),
    "unauthorised_transaction": (
        r"nao\s+(?:reconheco|reconhecemos)|sem\s+(?:a\s+)?minha\s+(?:autorizacao|permissao"
        r"|consentimento)|nao\s+autorizad[oa]s?|nao\s+fui\s+eu",
        r"(?:compra|cobranca|debito|saque|transacao|pagamento|transferencia|lancamento)s?\s+"
        r"(?:\w+\s+){0,3}?que\s+(?:eu\s+)?nao\s+(?:fiz|realizei|autorizei|efetuei|reconheco)",
        r"(?:compra|cobranca|debito|saque|transacao|pagamento|lancamento)s?\s+(?:\w+\s+)?"
        r"(?:desconhecid|estranh|suspeit)\w*",
    ),
    "dispute": (
        r"contestar|contestacao|estorno|estornar|chargeback",
        r"cobrad[oa]s?\s+(?:\w+\s+){0,2}?(?:duas\s+vezes|em\s+dobro)|(?:cobranca|compra|debito)\s+"
        r"(?:duplicada|em\s+dobro|duplicado)",
        r"(?:reembolso|estorno|devolucao)\s+(?:\w+\s+){0,3}?(?:nao|ainda\s+nao|nunca)\s+"
        r"(?:\w+\s+)?(?:caiu|chegou|recebi|apareceu)",
    ),
    "legal": (
        r"advogad[oa]s?|vou\s+processar|processar\s+(?:o\s+banco|voces|a\s+empresa)"
        r"|processo\s+judicial|(?:na|a)\s+justica|tribunal|juizado|acao\s+judicial"
        r"|medidas\s+(?:legais|judiciais)",
        r"procon|banco\s+central|reclame\s+aqui|ouvidoria|lgpd|protecao\s+de\s+dados"
        r"|boletim\s+de\s+ocorrencia",
    ),
    "vulnerable_customer": (
        r"falec(?:eu|ido|ida|imento)|morreu|obito|heranca|inventario|funeral|velorio",
        r"doenca\s+grave|gravemente\s+doente|cancer|internad[oa]|no\s+hospital|deficien\w*"
        r"|depressao|demencia|alzheimer",
        r"dificuldades?\s+financeiras?|nao\s+(?:consigo|tenho\s+como)\s+pagar\s+(?:o|os|a|as"
        r"|minhas?|meus?)\s+(?:aluguel|contas|dividas|fatura|emprestimo)|perdi\s+(?:o\s+)?(?:meu\s+)?"
        r"emprego|desempregad[oa]|endividad[oa]|superendividad\w*",
        r"suicid\w*|me\s+matar|violencia\s+domestica|idos[oa]s?|curatela|procuracao",
    ),
    "complaint": (
        r"reclamac(?:ao|oes)|reclamar|(?:fazer|registrar|abrir)\s+uma\s+queixa|queixa\s+formal",
        r"inaceitavel|um\s+absurdo|uma\s+vergonha|pessimo\s+(?:atendimento|servico)"
        r"|(?:atendimento|servico)\s+pessimo|descaso",
    ),
}

_IT = {
    "fraud": (
        r"frod(?:e|i|ato|ata)|fraudolent\w*|truff(?:a|e|ato|ata|atori|atore)|raggir\w*|phishing"
        r"|hackerat[oa]|clonat[oa]|clonare|furto\s+d'identita",
        r"furto|rubat[oa]|rubato|hanno\s+rubato|derubat[oa]|scippat[oa]",
        r"(?:perso|smarrito)\s+(?:la\s+|il\s+)?(?:mia\s+|mio\s+)?(?:carta|portafoglio|bancomat)"
        r"|(?:carta|bancomat)\s+(?:\w+\s+)?(?:persa|smarrita|smarrito|rubata|rubato|clonata)",
        r"qualcuno\s+(?:\w+\s+){0,3}?(?:usat[oa]|utilizzat[oa]|usando|prelevato|speso|pagato"
        r"|comprato|acceduto|entrato)",
        r"bloccare\s+(?:la\s+|il\s+)?(?:mia\s+|mio\s+)?(?:carta|conto|bancomat)|blocc(?:a|ate"
        r"|atemi)\s+la\s+carta|attivita\s+sospett[ae]",
    ),
    "unauthorised_transaction": (
        r"non\s+(?:lo\s+|la\s+)?riconosco|non\s+autorizzat[oaie]|senza\s+(?:il\s+)?mio"
        r"\s+(?:consenso|permesso)|senza\s+autorizzazione|non\s+sono\s+stat[oa]\s+io",
        r"(?:addebito|pagamento|prelievo|acquisto|movimento|transazione|operazione|bonifico)"
        r"(?:i|e)?\s+(?:\w+\s+){0,3}?che\s+non\s+ho\s+(?:mai\s+)?(?:fatto|effettuato|autorizzato)"
        r"|non\s+ho\s+(?:mai\s+)?(?:fatto|effettuato|autorizzato)\s+(?:quest[oa']|quel\w*)\s*"
        r"(?:addebito|pagamento|prelievo|acquisto|transazione|operazione)",
        r"(?:addebito|pagamento|prelievo|acquisto|movimento|transazione|operazione)(?:i|e)?\s+"
        r"(?:\w+\s+)?(?:sconosciut|stran|sospett)\w*",
    ),
    "dispute": (
        r"contestare|contestazione|contesto|disconosc\w*|chargeback|storno",
        r"addebitat[oa]\s+(?:\w+\s+){0,2}?(?:due\s+volte|doppio)|doppio\s+addebito"
        r"|addebito\s+doppio|pagato\s+due\s+volte",
        r"rimborso\s+(?:\w+\s+){0,3}?(?:non|ancora\s+non|mai)\s+(?:\w+\s+)?(?:arrivato|ricevuto"
        r"|accreditato)|non\s+(?:ho\s+)?(?:ancora\s+)?ricevuto\s+(?:il\s+)?rimborso",
    ),
    "legal": (
        r"avvocat[oiae]|denunci(?:a|are|ato|ero)|querela|fare\s+causa|tribunale|giudice"
        r"|azioni?\s+legal[ei]|vie\s+legali|ufficio\s+legale",
        r"arbitro\s+bancario|banca\s+d'italia|garante\s+(?:della\s+)?privacy|gdpr",
    ),
    "vulnerable_customer": (
        r"decedut[oa]|decesso|e\s+mort[oa]|lutto|eredita|successione|funerale",
        r"malattia\s+grave|gravemente\s+malat[oa]|tumore|cancro|ricoverat[oa]|in\s+ospedale"
        r"|disabil\w*|invalidita|depressione|demenza|alzheimer",
        r"difficolta\s+economiche|non\s+riesco\s+(?:piu\s+)?a\s+pagare\s+(?:l'affitto|il\s+mutuo"
        r"|le\s+bollette|le\s+rate)|perso\s+il\s+(?:mio\s+)?lavoro|disoccupat[oa]|indebitat[oa]"
        r"|pieno\s+di\s+debiti",
        r"suicid\w*|togliermi\s+la\s+vita|violenza\s+domestica|anzian[oa]"
        r"|amministratore\s+di\s+sostegno",
    ),
    "complaint": (
        r"reclam(?:o|i|are)|lamentel\w*|lamentarmi",
        r"inaccettabile|una\s+vergogna|vergognos[oa]|scandalos[oa]|servizio\s+pessimo"
        r"|pessimo\s+servizio",
    ),
}

_NL = {
    "fraud": (
        r"\w*fraude\w*|oplicht\w*|opgelicht|bedrog|bedrogen|phishing|gehackt|gehacked|gekloond"
        r"|skimming",
        r"gestolen|(?:\w*pas|creditcard|kaart|portemonnee)\s+(?:\w+\s+){0,3}?(?:kwijt|verloren"
        r"|gestolen|vermist)",
        r"iemand\s+(?:\w+\s+){0,5}?(?:gebruikt|betaald|opgenomen|gepind|uitgegeven|gekocht"
        r"|ingelogd)",
        r"(?:blokkeer|blokkeren)\s+(?:\w+\s+){0,2}?(?:\w*pas|kaart|rekening)"
        r"|(?:\w*pas|kaart|rekening)\s+(?:\w+\s+)?blokkeren|verdachte\s+(?:activiteit|transacties)",
    ),
    "unauthorised_transaction": (
        r"niet\s+(?:door\s+mij|van\s+mij|geautoriseerd|goedgekeurd)|zonder\s+(?:mijn\s+)?"
        r"(?:toestemming|medeweten)|ik\s+(?:was|ben)\s+het\s+niet|dat\s+was\s+ik\s+niet",
        r"(?:herken|ken)\s+(?:ik\s+)?(?:deze|die|de|het)\s+(?:\w+\s+){0,2}?niet",
        r"onbekende\s+(?:\w+\s+)?(?:afschrijving|betaling|transactie|incasso|opname)\w*"
        r"|(?:afschrijving|betaling|transactie|incasso|opname)\w*\s+(?:\w+\s+){0,4}?die\s+ik\s+"
        r"niet\s+(?:\w+\s+)?(?:heb\s+)?(?:gedaan|gemaakt|herken|ken)",
    ),
    "dispute": (
        r"terugboek\w*|teruggeboekt|betwist\w*|chargeback",
        r"(?:dubbel|twee\s+keer|twee\s+maal)\s+(?:\w+\s+){0,2}?(?:afgeschreven|betaald|afgeboekt"
        r"|gerekend|in\s+rekening)|dubbele\s+(?:afschrijving|betaling|incasso)",
        r"(?:terugbetaling|restitutie|geld\s+terug)\s+(?:\w+\s+){0,4}?(?:niet|nog\s+steeds\s+niet"
        r"|nog\s+niet|nooit)\s+(?:\w+\s+)?(?:ontvangen|binnen|gekregen|aangekomen)",
    ),
    "legal": (
        r"advoca(?:at|ten)|rechtszaak|rechter|rechtbank|juridische?\s+(?:stappen|actie|hulp)"
        r"|aanklagen|aangifte\s+(?:doen|gedaan)",
        r"kifid|ombudsman|toezichthouder|de\s+avg|privacywet",
    ),
    "vulnerable_customer": (
        r"overleden|overlijden|gestorven|nalatenschap|erfenis|begrafenis",
        r"ernstig\s+ziek|kanker|in\s+het\s+ziekenhuis|gehandicapt|handicap|depressie|dementie"
        r"|alzheimer",
        r"financiele\s+problemen|schulden|betalingsachterstand|(?:huur|rekeningen|hypotheek)\s+"
        r"niet\s+(?:meer\s+)?betalen|(?:baan|werk)\s+kwijt|werkloos",
        r"zelfmoord|suicid\w*|huiselijk\s+geweld|bewindvoer\w*|curatele|bejaard\w*"
        r"|verzorgingshuis",
    ),
    "complaint": (
        r"klacht(?:en)?|klagen|onacceptabel|schandalig|een\s+schande",
        r"(?:waardeloze|slechte|belabberde)\s+(?:service|klantenservice)",
    ),
}

RISK_PATTERNS_BY_LANGUAGE: Mapping[str, Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        language: MappingProxyType(patterns)
        for language, patterns in (
            ("es", _ES),
            ("fr", _FR),
            ("de", _DE),
            ("pt", _PT),
            ("it", _IT),
            ("nl", _NL),
        )
    }
)
"""Built-in risk-topic patterns of the languages other than English, by language and topic."""
