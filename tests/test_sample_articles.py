"""The sample issue's article files are the seed newspaper page, repaired and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.seed_text import FULL_WIDTH, is_broken, repaired_seed_paragraphs

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "seed.txt"
# ../shared beside the checkout holds the seed the project started from (CI lays it there too)
SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_ca312b3ab34e2f7f.txt"
ARTICLES = ROOT / "issues" / "2024-11-15" / "articles"

# Slugs in the order the pieces stand in the seed (the printed page).
PAGE_ORDER = [
    "training",
    "air-dispatch",
    "damage-compensation",
    "river-patrol",
    "editors-note",
    "xiaodian",
    "xinghualing",
    "yingze",
]
TEXT_FIELDS = ("kicker", "title", "subtitle", "dateline", "byline")
REQUIRED = {
    "news": {"title", "dateline", "paragraphs"},
    "editors-note": {"paragraphs"},
    "column": {"title", "byline", "paragraphs"},
    "feature": {"paragraphs"},
}
FORBIDDEN = {
    "news": {"byline"},
    "editors-note": {"title", "kicker", "subtitle", "dateline", "byline"},
    "column": {"dateline"},
    "feature": {"dateline", "byline"},
}
IDEOGRAPHIC_SPACE = "\u3000"
SENTENCE_END = re.compile(r"[。！？…][”’」』）]*$")
ASCII_PUNCTUATION = re.compile(r"[,;?!:()]")


def load(slug: str) -> dict:
    return yaml.safe_load((ARTICLES / f"{slug}.yaml").read_text(encoding="utf-8"))


def plain(text: str) -> str:
    """Text as the seed spells it: no bold markers, ideographic spaces as ASCII spaces."""
    return text.replace("**", "").replace(IDEOGRAPHIC_SPACE, " ")


def article_blocks(article: dict) -> list[str]:
    """The article's text blocks in the seed's order, labels run in as the seed has them."""
    blocks = [
        plain(article[f]) for f in TEXT_FIELDS if f in article and f != "dateline"
    ]
    paragraphs = [plain(p) for p in article["paragraphs"]]
    if "dateline" in article:
        paragraphs[0] = f"{article['dateline']} {paragraphs[0]}"
    if article["kind"] == "editors-note":
        paragraphs[0] = f"编者按 {paragraphs[0]}"
    return blocks + paragraphs


def all_texts() -> list[tuple[str, str]]:
    return [
        (slug, text)
        for slug in PAGE_ORDER
        for article in [load(slug)]
        for text in [article[f] for f in TEXT_FIELDS if f in article]
        + article["paragraphs"]
    ]


def test_article_files_are_the_eight_pieces_of_the_page():
    """The articles directory holds exactly the eight pieces of the seed page."""
    assert sorted(p.stem for p in ARTICLES.glob("*.yaml")) == sorted(PAGE_ORDER)
    assert not [p for p in ARTICLES.iterdir() if p.suffix != ".yaml"]


@pytest.mark.parametrize("slug", PAGE_ORDER)
def test_article_loads_with_the_fields_of_its_kind(slug):
    """Each article file loads as YAML and has exactly the fields its kind needs."""
    article = load(slug)
    kind = article["kind"]
    assert kind in REQUIRED
    assert set(article) <= {"kind", *TEXT_FIELDS, "paragraphs"}
    assert REQUIRED[kind] <= set(article)
    assert not FORBIDDEN[kind] & set(article)
    for field in TEXT_FIELDS:
        if field in article:
            assert isinstance(article[field], str) and article[field].strip()
            assert "**" not in article[field]
    assert isinstance(article["paragraphs"], list) and article["paragraphs"]
    for paragraph in article["paragraphs"]:
        assert isinstance(paragraph, str) and paragraph == paragraph.strip()
        assert "\n" not in paragraph
        assert paragraph.count("**") % 2 == 0 and "****" not in paragraph


def test_headless_pieces_have_no_invented_title():
    """The river-patrol item and the editor's note carry no title the page did not print."""
    assert load("river-patrol")["kind"] == "feature"
    assert load("editors-note")["kind"] == "editors-note"
    for slug in ("river-patrol", "editors-note"):
        assert not {"kicker", "title", "subtitle"} & set(load(slug))
    assert not load("editors-note")["paragraphs"][0].startswith("编者按")


def test_articles_in_page_order_are_the_repaired_seed():
    """All article texts, in page order, equal the repaired seed's blocks character for character."""
    ours = [block for slug in PAGE_ORDER for block in article_blocks(load(slug))]
    seed = repaired_seed_paragraphs(SEED)
    assert ours == seed
    assert "".join(ours) == "".join(seed)


def test_headline_and_byline_separators_are_ideographic_spaces():
    """Headline phrases and post/name in bylines are set off by U+3000, never ASCII spaces."""
    assert [t for _, t in all_texts() if " " in t] == []
    assert load("xiaodian")["title"] == "守护蓝天白云\u3000擦亮生态底色"
    assert load("xinghualing")["kicker"] == "扛牢责任担当\u3000精准聚力攻坚"
    assert load("xinghualing")["title"] == "奋力交出大气污染防治最优答卷"
    for slug in ("xiaodian", "xinghualing", "yingze"):
        assert re.fullmatch(r"\S+区委副书记、区长\u3000\S+", load(slug)["byline"])


def test_bold_runs_are_whole_lead_sentences():
    """Each **…** run is a lead of whole sentences starting a paragraph or a sentence."""
    runs = 0
    for slug in PAGE_ORDER:
        for p in load(slug)["paragraphs"]:
            for m in re.finditer(r"\*\*(.+?)\*\*", p):
                runs += 1
                assert m.group(1).endswith("。"), (slug, m.group(1))
                assert m.start() == 0 or p[m.start() - 1] == "。", (slug, m.group(1))
    assert runs == 7 + 3 + 3


def test_no_ascii_punctuation_left_in_article_text():
    """No ASCII , ; ? ! : ( ) survives in any article text (the seed had them)."""
    raw = SEED.read_text(encoding="utf-8")
    assert {",", ";", "?", "(", ")"} <= set(raw)
    left = [
        (slug, m.group())
        for slug, t in all_texts()
        for m in ASCII_PUNCTUATION.finditer(t)
    ]
    assert left == []


def test_every_paragraph_ends_a_sentence():
    """No paragraph ends without sentence-final punctuation, so every PDF break was joined."""
    unfinished = [
        (slug, p[-10:])
        for slug in PAGE_ORDER
        for p in load(slug)["paragraphs"]
        if not SENTENCE_END.search(plain(p))
    ]
    assert unfinished == []


def test_repair_joins_exactly_the_four_broken_paragraphs():
    """The mechanical rule finds the seed's four mid-sentence breaks and no others."""
    lines = [
        line.translate(FULL_WIDTH)
        for line in SEED.read_text(encoding="utf-8").splitlines()
    ]
    blocks = [line for line in lines if line.strip()]
    assert [b[-4:] for b in blocks if is_broken(b)] == [
        "以赴抓好",
        "时期的一",
        "提升。用",
        "，落实大",
    ]
    repaired = repaired_seed_paragraphs(SEED)
    assert len(repaired) == len(blocks) - 4
    for seam in (
        "全力以赴抓好全会精神",
        "时期的一项重大政治任务",
        "用好“智慧环保”手段",
        "落实大钢东山",
    ):
        assert sum(seam in block for block in repaired) == 1


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="shared seed not on this machine")
def test_test_data_is_a_byte_exact_copy_of_the_seed():
    """tests/data/seed.txt is byte for byte the seed page it claims to be."""
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()
