"""English check: accept any English prose, reject other languages and code."""

from __future__ import annotations

import pytest

from mtdetect.language import english_verdict

ENGLISH = {
    "news": (
        "The city council voted on Tuesday to close the old swimming pool, saying the "
        "repairs it needs would cost more than a new building. Residents who have used "
        "the pool for decades said they were disappointed by the decision."
    ),
    "learner": (
        "I am agree with this opinion because in my country many people is going to work "
        "by car and the pollution is very big problem. When I was child my father always "
        "say me that we must to protect the nature, so I think goverment should make more "
        "bus for peoples."
    ),
    "translated": (
        "According to the mayor, the maintenance costs are too high, and there is no money "
        "for renovation. Many residents are disappointed, because the swimming pool for more "
        "than forty years was an important meeting place for children and elderly people."
    ),
    "sport report full of names": (
        "Rovers 2-1 Athletic. Marco Delgado scored twice as Rovers beat Athletic at Greenfield "
        "Park. Delgado headed in after 12 minutes, Tomas Wierzbicki equalised before "
        "half-time, and Delgado volleyed the winner on 78 minutes."
    ),
    "accented names": (
        "Jürgen Müller and François Lefèvre met José Núñez in Malmö before they travelled on "
        "to Zürich and São Paulo, where the heirs of the company's founder joined them for a "
        "week of talks about its future."
    ),
    "one line with a foreign quote": (
        "The banner outside the town hall read 'Nous ne partirons pas', which protesters said "
        "meant that they would not leave until the minister had agreed to meet them."
    ),
    "all capitals": (
        "THE BRIDGE WILL BE CLOSED FROM MONDAY UNTIL THE END OF THE MONTH WHILE ENGINEERS "
        "REPAIR THE DAMAGE THAT WAS CAUSED BY THE FLOODS."
    ),
}

FOREIGN = {
    "Spanish": (
        "El ayuntamiento de la ciudad aprobó ayer un nuevo plan para mejorar el transporte "
        "público. Según el alcalde, los autobuses nocturnos volverán a circular a partir del "
        "próximo mes y se ampliarán las rutas hacia los barrios del norte."
    ),
    "German": (
        "Die Stadtverwaltung hat am Dienstag beschlossen, die alte Brücke über den Fluss bis "
        "zum Sommer zu sperren. Nach Angaben des Bürgermeisters sind die Schäden größer als "
        "erwartet, und eine Sanierung wird mindestens zwei Jahre dauern."
    ),
    "French": (
        "Le conseil municipal a voté mardi la fermeture de la vieille piscine, jugée trop "
        "coûteuse à entretenir. Selon la maire, une nouvelle installation sera construite "
        "d'ici trois ans près de la gare."
    ),
    "Italian": (
        "Il consiglio comunale ha approvato ieri il progetto per il nuovo parco cittadino, che "
        "sorgerà nell'area dell'ex stazione ferroviaria. Secondo il sindaco, i lavori "
        "inizieranno in primavera e dureranno circa due anni."
    ),
    "Dutch": (
        "De gemeente heeft dinsdag besloten om de oude bibliotheek in het centrum te sluiten. "
        "Volgens de wethouder zijn de kosten voor onderhoud te hoog geworden en is er geen "
        "geld om het gebouw te renoveren."
    ),
    "Chinese": "市议会周二决定关闭市中心的旧游泳馆。市长表示，维护费用过高，也没有资金进行翻修。",
    "Japanese": "市議会は火曜日、中心部にある古い市民プールを閉鎖することを決めた。",
    "Cyrillic": (
        "Городской совет во вторник решил закрыть старый бассейн в центре города. По словам "
        "мэра, расходы на содержание слишком высоки, а денег на ремонт нет."
    ),
    "Greek": "Το δημοτικό συμβούλιο αποφάσισε την Τρίτη να κλείσει το παλιό κολυμβητήριο.",
}

CODE = {
    "python": (
        "import sys\n\ndef main(argv):\n    counts = {}\n    for name in argv[1:]:\n"
        "        with open(name) as handle:\n            for word in handle.read().split():\n"
        "                counts[word] = counts.get(word, 0) + 1\n    return 0\n\n"
        'if __name__ == "__main__":\n    sys.exit(main(sys.argv))\n'
    ),
    "javascript": (
        "function load(url, done) {\n  const req = new XMLHttpRequest();\n"
        '  req.open("GET", url, true);\n  req.onload = () => {\n'
        "    if (req.status >= 200 && req.status < 400) { done(null, JSON.parse(req.body)); }\n"
        "  };\n  req.send();\n}\n"
    ),
    "html": (
        '<div class="header"><nav><ul><li><a href="/">Home</a></li><li><a href="/news">'
        'News</a></li></ul></nav></div><div id="main"><span class="byline">By staff</span>'
        '<img src="/img/photo.jpg" alt="the mayor"/></div>'
    ),
    "json": (
        '{"id": 1234, "title": "Weather update", "tags": ["rain", "wind"], "author": '
        '{"name": "Staff"}, "items": [{"k": 1}, {"k": 2}], "draft": false}'
    ),
}


@pytest.mark.parametrize("name", sorted(ENGLISH))
def test_english_prose_is_accepted(name: str) -> None:
    assert english_verdict(ENGLISH[name]) is None


@pytest.mark.parametrize("language", sorted(FOREIGN))
def test_other_languages_are_rejected_and_named(language: str) -> None:
    verdict = english_verdict(FOREIGN[language])
    assert verdict is not None
    assert verdict.startswith("text is not English")
    assert language in verdict


@pytest.mark.parametrize(
    "text",
    [
        "Kaupunginvaltuusto päätti tiistaina sulkea keskustan vanhan uimahallin, koska "
        "ylläpitokustannukset ovat liian suuret eikä remonttiin ole rahaa.",
        "Hội đồng thành phố hôm thứ Ba đã quyết định đóng cửa hồ bơi cũ ở trung tâm vì chi "
        "phí bảo trì quá cao.",
    ],
)
def test_unlisted_languages_are_still_rejected(text: str) -> None:
    verdict = english_verdict(text)
    assert verdict is not None and verdict.startswith("text is not English")


@pytest.mark.parametrize("kind", sorted(CODE))
def test_code_and_markup_are_rejected(kind: str) -> None:
    assert english_verdict(CODE[kind]) == "text is not English prose (looks like code or markup)"


@pytest.mark.parametrize("text", ["", "   \n ", "12 345 678 -- 2023/04/01 $$ 99.5%"])
def test_text_without_letters(text: str) -> None:
    assert english_verdict(text) == "text has too few letters"


def test_short_english_is_left_to_the_length_check() -> None:
    assert english_verdict("Source: city council") is None


def test_short_foreign_script_is_still_caught() -> None:
    assert english_verdict("Привет, мир") is not None


def test_layout_does_not_matter() -> None:
    text = ENGLISH["news"]
    assert english_verdict(text.replace(" ", "\n")) == english_verdict(text)
    assert english_verdict(FOREIGN["German"].replace(". ", ".\r\n")) is not None


# -- the English check reads the detector's Document ------------------------------
WORD_EDGE_CASES = [
    "well-known well\u2013known well\u2011known a--b x-ray-like",
    "don't don\u2019t don\u2018t rock`n`roll it\u00b4s o\u201ab \u2032quoted\u2032",
    "abc123def foo_bar 2.5% x\u00b2 \u00b2x \u00bd-price \u216bth",
    "Stra\u00dfe \u0130stanbul \u00c9COLE na\u00efve caf\u00e9 \u03a3\u03bf\u03c6\u03af\u03b1",
    "'quoted' \"double\" rock'9 'tis a'-b end' -start",
    "zero\u200bwidth non\u00a0breaking tab\there line\nbreak",
]


@pytest.mark.parametrize("text", WORD_EDGE_CASES)
def test_words_from_the_document_are_the_word_patterns(text: str) -> None:
    from collections import Counter

    from mtdetect.language import _word_counts, _words
    from mtdetect.text import Document

    doc = Document(text)
    assert Counter(_words(text, doc)) == Counter(_words(text, None))
    assert _word_counts(text, doc) == Counter(_words(text, None))
    assert doc.lower_word_counts == Counter(doc.lower_words)  # the shared counts, unchanged


def test_verdict_from_the_document_equals_the_verdict_from_text() -> None:
    from collections import Counter
    from itertools import islice

    from mtdetect.language import _word_counts, _words
    from mtdetect.text import Document
    from training.corpus import CORPUS, original_records, wmt_records

    if not CORPUS.is_dir():
        pytest.skip("../shared corpus is not present")
    texts = [r.text for r in islice(original_records(), 150)]
    texts += [r.text for r in islice(wmt_records(), 150)]
    for text in texts:
        doc = Document(text)
        assert sorted(_words(text, doc)) == sorted(_words(text, None))
        assert _word_counts(text, doc) == Counter(_words(text, None))
        assert english_verdict(doc) == english_verdict(text)


_SHORTCUT_CASES = [
    # English-shaped (no accents, a fifth English function words) yet Indonesian wins
    "Pemerintah mengatakan bahwa aturan yang baru itu akan berlaku pada tahun depan dan "
    "tidak ada rencana untuk mengubah aturan itu sebelum pemilihan, the minister of the "
    "state said to them.",
    "The minister said on Tuesday that the new rules would come into force next year, "
    "and that the government had no plans to change them before the election.",
    "El gobierno dijo que las nuevas normas entrar\u00e1n en vigor el pr\u00f3ximo a\u00f1o y "
    "que no hay planes para cambiarlas antes de las elecciones en el pa\u00eds.",
    "Die Regierung sagte, dass die neuen Regeln im n\u00e4chsten Jahr in Kraft treten und "
    "dass es keine Pl\u00e4ne gibt, sie vor der Wahl zu \u00e4ndern, the end.",
    "Caf\u00e9 na\u00efve r\u00e9sum\u00e9 fa\u00e7ade d\u00e9j\u00e0 vu: the \u00e9l\u00e8ve and "
    "the ma\u00eetre d\u2019h\u00f4tel went to the caf\u00e9 where it\u2019s \u2018fine\u2019.",
    "Es la casa de la familia, y la familia es de la ciudad; the house is the one that "
    "was there, and it is in the town of the family.",
    "He said it\u2019s 5\u00b2 or \u00bd of the well-known total, and that\u2019s that, "
    "so they were told to go on with it.",
]


@pytest.mark.parametrize("text", _SHORTCUT_CASES)
def test_english_shortcut_gives_the_full_verdict(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mtdetect import language
    from mtdetect.text import Document

    fast = (english_verdict(text), english_verdict(Document(text)))
    # with the bound made the English words themselves the shortcut never fires
    monkeypatch.setattr(language, "_ANY_OTHER_WORDS", language.ENGLISH_FUNCTION_WORDS)
    assert fast == (english_verdict(text), english_verdict(Document(text)))


@pytest.mark.parametrize("mark", "\u2018\u201a\u201b\u2032\u00b4`")
def test_other_apostrophes_stop_reading_tokens(mark: str) -> None:
    from mtdetect.language import _reads_tokens
    from mtdetect.text import Document

    text = f"Caf\u00e9 owners don{mark}t like it and the town{mark}s mayor agrees."
    assert not _reads_tokens(text, Document(text))
    assert _reads_tokens(text.replace(mark, "\u2019"), Document(text))


def test_english_shaped_text_where_another_language_leads_is_not_english() -> None:
    # the shortcut must not fire here: English words are a fifth, Indonesian ones a third
    assert english_verdict(_SHORTCUT_CASES[0]) == (
        "text is not English (looks like Indonesian or Malay)"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("caf\u00e9 5\u00b2 metres", True),
        ("\u00bd of the caf\u00e9", True),
        ("chapter \u216b, caf\u00e9", True),
        ("caf\u00e9 \u0665 \u0968 digits", False),  # Arabic-Indic and Devanagari digits are decimal
        ("plain 52 metres", False),
        ("\u201cquoted\u201d caf\u00e9", False),
    ],
)
def test_numeric_signs(text: str, expected: bool) -> None:
    from mtdetect.language import _numeric_signs

    assert _numeric_signs(text) is expected
