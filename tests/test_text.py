"""The Chinese text stage: one tokenizer, user dictionaries, keywords, entities, snippets."""

from zixun.text.analysis import analyze
from zixun.text.keywords import keyword_candidates, top_keywords
from zixun.text.normalize import display_width, fold
from zixun.text.segment import Segmenter, segmenter
from zixun.text.snippets import sentences, snippet_around, summarize, truncate


def test_bundled_dictionary_keeps_names_whole():
    words = [word for word, _ in segmenter().tag("美国国务卿鲁比奥展开了紧张的外交沟通")]
    assert "鲁比奥" in words


def test_operator_dictionary_extends_the_tokenizer(tmp_path):
    text = "量子纠缠通信网今天开通"
    assert "量子纠缠通信网" not in segmenter().terms(text)
    extra = tmp_path / "dict.txt"
    extra.write_text("# 运营方词典\n量子纠缠通信网 10 nz\n", encoding="utf-8")
    assert "量子纠缠通信网" in Segmenter((extra,)).terms(text)


def test_terms_are_folded_and_free_of_punctuation():
    terms = segmenter().terms("ＧＰＴ-4o發佈，售價3.5億元！")
    assert "gpt" in terms and "4o" in terms
    assert "，" not in terms and "！" not in terms
    assert "发布" in terms or "发" in terms  # traditional folded to simplified


def test_long_words_yield_sub_words_for_search():
    cut = segmenter().segment("中华人民共和国成立七十周年")
    assert "中华人民共和国" in cut.terms
    assert "人民" in cut.subterms and "共和国" in cut.subterms


def test_keywords_skip_numbers_and_prefer_rare_terms():
    tokens = segmenter().tag("2018年，詹姆斯在湖人队得到30分。詹姆斯说，湖人队的比赛很重要，比赛。")
    counts = keyword_candidates(tokens)
    assert "2018" not in counts and "30" not in counts
    df = {"比赛": 900, "詹姆斯": 5, "湖人队": 8}
    assert top_keywords(counts, df, n_docs=1000, limit=2) == ["詹姆斯", "湖人队"]


def test_analysis_finds_people_and_places():
    analysis = analyze(
        segmenter(), "王毅同鲁比奥通电话", ["中共中央政治局委员、外交部长王毅在北京同美国国务卿鲁比奥通电话。"]
    )
    assert "王毅" in analysis.entities["people"] and "鲁比奥" in analysis.entities["people"]
    assert "北京" in analysis.entities["places"] or "美国" in analysis.entities["places"]
    assert "王毅" in analysis.title_terms.split()


def test_summary_and_snippets_cut_at_clause_boundaries():
    paragraphs = ["第一句话。第二句话很长很长很长很长很长很长很长很长很长很长很长很长很长！第三句？"]
    assert summarize(paragraphs, 12) == "第一句话。"
    assert sentences("他说：“好。”然后走了；完") == ["他说：“好。”", "然后走了；", "完"]
    assert snippet_around("甲乙丙。湖人队赢了。丁戊。", ["湖人"]).startswith("湖人队赢了。")


def test_truncation_by_display_width_matches_the_seed_lists():
    assert truncate("关于海南自由贸易港岛内居民在指定经营场所", 29) == "关于海南自由贸易港岛内居民..."
    assert truncate("LME金属期货收盘多数收跌", 40) == "LME金属期货收盘多数收跌"
    assert display_width("ab中文") == 6
    assert fold("Ａ臺灣") == "a台湾"
