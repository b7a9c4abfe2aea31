"""The yearly report of Rosengård samverkan och mobilisering, after the real 2024 report (seed 004).

Shortened, told without the year (the demo moves it to two years before it is built) and with
the lessons per organisation rather than per named person.
"""

from __future__ import annotations

from typing import Any

REPORT: dict[str, Any] = {
    "utfall": (
        "Samverkansprocessen ”Rosengård samverkan och mobilisering” mellan Trygg Malmö, Made in "
        "Rosengård, Rosengård Fastigheter, BID Malmö och BRF Ida har medfört betydande framsteg inom "
        "trygghet, trivsel och samordning i Rosengård.\n\n"
        "Felanmälningsrundor och trygghetsvandringar: genom att dokumentera över 200 bilder av brister "
        "har vi kunnat identifiera och åtgärda brister i den offentliga miljön, i nära dialog med boende. "
        "En del av boendes förslag har utvecklats till medborgarinitiativ.\n\n"
        "Nätverket har vuxit organiskt och omfattar nu bland andra Rädda Barnen, IOGT-NTO Knutpunkten, "
        "Somaliska Freds, ZigZag, Midnimo, Drömmarnas Hus, Yalla Trappan, Malmö Tigers, "
        "Hyresgästföreningen och Allas Lika Värde, liksom Rosengårds bibliotek, Polisen, Uppsök Ung "
        "Malmö, Tegelhuset och MKB. Nätverksträffar har hållits varje månad utom juli. Under sommaren "
        "tog flera föreningar emot sommarpraktikanter, och jobbannonser som delats i nätverkets kanaler "
        "har gett sökande."
    ),
    "anvandning_av_medel": (
        "Beviljade medel har använts till samordning, informationsspridning, hållbarhetsdagen, "
        "grillkvällar, vår- och höstfestival, felanmälningsrundor, nätverksträffar, boendedialoger och "
        "medborgardialoger.\n\n"
        "Samordning (del av tjänst): 190 000 kr. Evenemang och festivaler: 148 500 kr. "
        "Informationsspridning och översättning: 42 000 kr. Felanmälningsrundor och "
        "trygghetsvandringar: 23 000 kr. Nätverksträffar och medborgardialoger (lokal, fika, tolk): "
        "35 000 kr. Summa 438 500 kr av beviljade 450 000 kr."
    ),
    "budgetutfall_sek": 438_500,
    "uppnatt": (
        "Förbättrad trygghet och trivsel: vid rundorna har över 200 brister dokumenterats och anmälts "
        "till Malmö stad via e-tjänsten och till fastighetsägarna Rosengård Fastigheter och MKB. Under "
        "rundorna har vi samtalat med boende om deras upplevelser och visat hur man själv felanmäler.\n\n"
        "Evenemangen – hållbarhetsdagen och höstfestivalen med över 300 deltagare – har gjort "
        "Örtagårdstorget till en mer positiv och trygg mötesplats. Polisen har framfört att när aktörer "
        "från området finns på plats kan personer som sysslar med kriminalitet inte vara där de "
        "brukar: vi tar över platsen.\n\n"
        "Nätverket har etablerats med över 20 aktiva aktörer och har blivit ett forum för att driva "
        "frågor om trygghet och trivsel och samordna gemensamma insatser."
    ),
    "dialogaktiviteter_beskrivning": (
        "Regelbundna nätverksträffar varje månad med ett 20-tal aktörer, bland dem Rosengårds "
        "bibliotek, Polisen, Räddningstjänsten, Ungdomsfält Malmö och Hyresgästföreningen. "
        "Boendedialoger i Somaliska Freds lokaler och i Rosengårds Folkets Hus. Två medborgardialoger "
        "i oktober: med kommunpolisen om polisens arbete och medborgarlöftet (cirka 40 deltagare) och "
        "med VA SYD om återvinning och vattenförbrukning (cirka 35 deltagare). Vårfestival med "
        "dansuppvisning av Karibu Dance School (omkring 200 besökare), hållbarhetsdag trots dåligt "
        "väder, höstfestival (över 300), två fotbollsturneringar och grillkvällar. Trygg Malmös "
        "nattfotboll samlar cirka 40 ungdomar varje lördag; där har vi informerat om vårt arbete."
    ),
    "medverkande_aktorer": (
        "Rosengård Fastigheter: lokal närvaro och tyngd i området, medarrangör av Rosengårdsfestivalen "
        "och höstfestivalen.\n"
        "BID Malmö: expertis i processarbete, kommunikationsplan och samverkan på strategisk nivå.\n"
        "BRF Ida: organiserade lokala evenemang i början av året; har under hösten inte kunnat delta "
        "eftersom föreningen fått en ny styrelse.\n"
        "Polisen: dialogmöten som skapat trygghet och förståelse, och hjälp att reda ut oro och "
        "missförstånd.\n"
        "Civilsamhället – Rädda Barnen, Made in Rosengård, Trygg Malmö, IOGT-NTO Knutpunkten, "
        "Somaliska Freds, ZigZag, Drömmarnas Hus, Yalla Trappan, Streetcorner, Allas Lika Värde, "
        "Midnimo, Unga Kan Malmö och Hyresgästföreningen – deltar i nätverket. Tegelhuset, MKB (med "
        "en bosocial värd), Uppsök Ung Malmö och Ungdomsfält Malmö har bidragit till gemensamma evenemang."
    ),
    "bidrag_till_omradet": (
        "Med stöd av Malmö stads resurser har vi genomfört felanmälningsrundor och "
        "trygghetsvandringar som lett till snabba åtgärder från både kommunen och fastighetsägarna: "
        "trasig belysning, otrygga platser och skadegörelse. Evenemangen har lockat över tusen "
        "deltagare och fungerat som en brygga mellan boende, föreningsliv, kommun och fastighetsägare. "
        "Nätverket har spridit information om jobb och praktik, vilket lett till att aktörer i "
        "nätverket kunnat anställa två personer, och många unga har fått arbete vid våra evenemang. "
        "Boende har fått stöd att själva felanmäla och har lämnat förslag som kan bli medborgarinitiativ."
    ),
    "lardomar": (
        "Vi frågade aktörerna; Rosengård Fastigheter, BID Malmö, Rotary Rosengård, Polisen och "
        "Yalla Trappan svarade.\n\n"
        "Polisen: en enkel kommunikationsväg via WhatsApp har skapats. Fler aktörer och fler "
        "tillfällen på publika platser behövs, där de goda krafterna äger platsen.\n"
        "Yalla Trappan: nätverket förenar viktiga aktörer, hjälper oss undvika dubbelarbete och ger "
        "inspiration och nya perspektiv.\n"
        "Rotary Rosengård: en välkomnande och demokratisk möteskultur där alla kommer till tals.\n"
        "Rosengård Fastigheter: ett nätverk tar tid att bygga och behöver ett gemensamt syfte; syftet "
        "är inte helt solklart ännu. Tar det för lång tid svalnar intresset.\n"
        "BID Malmö: samverkan fungerar bara om den ingår i föreningarnas grundläggande arbete."
    ),
}

BUDGET_CSV = """Post;Budget (kr);Utfall (kr)
Samordning (del av tjänst);190000;190000
Evenemang och festivaler;150000;148500
Informationsspridning och översättning;45000;42000
Felanmälningsrundor och trygghetsvandringar;25000;23000
Nätverksträffar och medborgardialoger;40000;35000
Summa;450000;438500
"""

ACTOR_INPUT = """Rosengård samverkan och mobilisering – underlag från deltagande aktörer

Polisen (kommunpolisen i Rosengård)
Vi har skapat en enkel kommunikationsväg med WhatsApp. Det finns utvecklingspotential i att bjuda
in fler aktörer, så att var och en når så många som möjligt med samma information. Höstevenemanget
där flera aktörer bidrog var viktigt. Ur polisiärt perspektiv är det positivt att de goda krafterna
äger platsen som annars kriminella tagit i anspråk.

Yalla Trappan
Nätverket har förenat viktiga aktörer på Rosengård. När vi möts och delar erfarenheter lär vi känna
varandras verksamheter, undviker dubbelarbete och kan samordna insatser mot gemensamma mål.

Rotary Rosengård
Det kändes välkomnande att få informera om Rotarys verksamhet. Ni har skapat en fin möteskultur där
alla kommer till tals – en demokratisk och inkluderande mötesplats med potential att växa.

Rosengård Fastigheter
Att bilda ett nätverk tar tid, och det behöver finnas ett gemensamt syfte för att nätverket ska få
fäste. Syftet är inte helt solklart ännu men växer fram. Tar det för lång tid riskerar intresset att
svalna, så träffarna måste fånga deltagarnas intresse.

BID Malmö
Samverkan kan inte fungera om den inte ingår i en förenings grundläggande arbete. Det är av största
vikt att föreningarna medverkar för att samverkan ska kunna ske lokalt.
"""
