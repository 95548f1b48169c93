"""Quality gate of story clustering on the dev split of the labelled story set (tests/data/stories): fails when
B-cubed F1 or the related lists' story-first share fall below a floor a little under the measured figures,
or when an article is merged with another event of its topic; and the --within mode, which ingests a split among
a corpus's articles."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT
from zixun.evaluate.labels import LabelError
from zixun.evaluate.stories import evaluate_stories, read_labels

LABELED = ROOT / "tests" / "data" / "stories" / "labeled.jsonl"
F1_FLOOR = 0.96  # measured on dev: 0.979 (before tuning: 0.611; 0.967 before the signs of stop 24)
RELATED_FLOOR = 0.97  # measured on dev: 1.000 (before story-first lists: 0.816)


def test_dev_split_stories_and_related_lists_stay_above_their_floors():
    quality = evaluate_stories(LABELED, "dev")
    assert quality.zixun.f1 >= F1_FLOOR, quality.zixun.line()
    assert quality.zixun.same_topic_merged == 0, quality.zixun.line()
    assert quality.related.in_story >= RELATED_FLOOR, quality.related.line()


# each later draw (events of new kinds, drawn once the one before became a tuning split): its articles, and floors a
# little under its figures: (F1, same-topic pairs merged at most, related lists' in-story share)
DRAWS = {
    # the second draw (10 events, 149 articles), scored when drawn: F1 0.728 (precision 1.000, recall 0.572), none of
    # its 932 same-topic pairs merged; related 0.858 / 0.987. A tuning split since stop 24: with the signs (a game's
    # scores, a subject) F1 0.913 (recall 0.841), related 0.930 / 0.993; with the tenth entity round's organisations
    # 0.909 (recall 0.833); with the time decay 0.901; with an article left alone joining a story of ten or more it is
    # alike as a whole (stop 26) 0.928 (recall 0.867), related 0.952 / 0.993; with a headline's names found in it
    # folded (C罗, stop 30) 0.951 (recall 0.907), related 0.976 / 1.000; with two groups alike as wholes joining on a
    # headline key of their own (story round 22) 0.982 (recall 0.964), related 0.987 / 1.000
    "heldout2": (149, 0.97, 0, 0.95),
    # the third draw (11 events, 170 articles), scored when drawn (on 6f7f70b): F1 0.626 (precision 0.988, recall
    # 0.458), 2 of 1,490 same-topic pairs merged; related 0.807 / 0.959. Scored once after the signs: F1 0.615 (recall
    # 0.447), 2 merged, related 0.815 / 0.965; after the entities' ninth and tenth rounds and the time decay (by this
    # gate): F1 0.591 (precision 1.000, recall 0.419), none merged, related 0.815 / 0.977. A tuning split since stop
    # 25: with soft conflicts (people, teams keep two groups apart only when every pair has one) F1 0.634 (recall
    # 0.464), related 0.814 / 0.971; with an article left alone joining a story of ten or more (stop 26) 0.676 (recall
    # 0.511), related 0.844 / 0.977; with a headline's names found in it folded (stop 30) 0.696 (recall 0.534),
    # related 0.860 / 0.977; with a subject's company or club as a sign (affiliation, stop 31) 0.746 (recall 0.595),
    # related 0.862 / 0.977; with two groups alike as wholes joining on a headline key of their own (story round 22)
    # 0.832 (recall 0.712), related 0.901 / 0.977
    "heldout3": (170, 0.82, 0, 0.84),
    # the fourth draw (12 events, 145 articles), scored when drawn (on 36593dd): F1 0.732 (precision 0.993, recall
    # 0.579), 1 of 725 same-topic pairs merged; related 0.871 / 0.959. Scored once after stop 25's soft conflicts: F1
    # 0.739 (recall 0.589), 1 merged, related 0.874 / 0.959; once after stop 26's attaching (an article left alone
    # joins a story of ten or more) 0.749. A tuning split since: with no place conflict from a country named 0.766
    # (recall 0.623), 1 merged, related 0.879 / 0.959; with headlines about two people who each text names the
    # other's no conflict (stop 30) 0.780 (recall 0.642), 1 merged, related 0.883 / 0.959; 0.825 (recall 0.706) at
    # b4faebe; with two headlines' people one event's cast when the texts name two people in common and one names the
    # other's (story round 19) 0.834 (recall 0.719), 1 merged, related 0.888 / 0.959; with two groups alike as wholes
    # joining on a headline key of their own (story round 22) 0.840 (recall 0.727), 1 merged, related 0.889 / 0.959;
    # with an article left alone attaching by the story's own conflicts 0.847 (recall 0.738); with one actor's
    # announcements days apart conflicting (story round 23) 0.844 (precision 1.000, recall 0.730), none merged (雷军 at
    # the 座谈会 and on 科创板 apart), related 0.896 / 0.979 (story round 24's
    # rule alone: the same)
    "heldout4": (145, 0.83, 0, 0.86),
    # the fifth draw (12 events, 124 articles: three competitions of one weekend, three stars' business rows, two
    # giants' conferences of one day, three companies' offices, a trial), scored when drawn (on 88bd3d3): F1 0.826
    # (precision 1.000, recall 0.703), none of 832 same-topic pairs merged; related 0.923 / 0.984; baseline 0.552. The
    # same after stop 26's attaching and again after its countries (no change). A tuning split since stop 30: with
    # headlines about two people whose texts name each other's no conflict 0.841 (recall 0.725), related 0.923 / 0.984;
    # with two groups alike as wholes joining on a headline key of their own (story round 22) 0.917 (recall 0.847),
    # related 0.935 / 0.984; with an article left alone attaching by the story's own conflicts 0.924 (recall 0.859)
    "heldout5": (124, 0.91, 0, 0.90),
    # the sixth draw (14 events, 83 articles: three football announcements, two NBA players' off-court news, two foreign
    # stars' stories of two days, two self-driving permits, Google's walkout, two ministry releases, two schools'
    # rows), scored when drawn (stop 30, on c87d85e's story code): F1 0.850 (precision 1.000, recall 0.740), none of
    # 292 same-topic pairs merged; related 0.900 / 1.000; baseline 0.658. The split stop 31's change was reported on:
    # unchanged by a subject's company or club as a sign (affiliation). A tuning split since story round 19: with two
    # headlines' people one event's cast (the texts name two people in common, one the other's) 0.863 (recall 0.759),
    # related 0.913 / 1.000
    "heldout6": (83, 0.85, 0, 0.88),
    # the seventh draw (15 events, 69 articles: a Go semifinal game and a golf final, two award nights, three shows, two
    # university rankings, a teacher's viral videos, two reports a company denied, three government actions against
    # tech firms), scored when drawn (stop 31, on 213fdf5's story code): F1 0.849 (precision 1.000, recall 0.738), none
    # of 223 same-topic pairs merged; related 0.809 / 1.000; baseline 0.749. The same after story round 18 (scored once)
    # and 19; a tuning split since round 20: with a repost's headline lifting its original's soft conflict 0.862
    # (recall 0.757), related 0.809 / 1.000
    "heldout7": (69, 0.85, 0, 0.79),
    # the eighth draw (17 events, 79 articles: three players' injuries of five days, two stars' health news, a singer's
    # discharge from military service, a lip-sync row, a telescope retired, a court's refusal, a pseudo-science verdict,
    # two tech leaders' words, two of one founder's tweets, a prize founded, a university founded, a university's new
    # leaders), scored when drawn (stop 32, on b4faebe's story code): F1 0.896 (precision 0.884, recall 0.908), 9 of 164
    # same-topic pairs merged (马斯克's interview and two tweets of the same days one story); related 0.977 / 1.000;
    # baseline 0.787. Gated as drawn: the merges may fall, not rise. Scored once after story round 22 (stop 33): 0.906
    # (recall 0.930), the same 9 merged. A tuning split since story round 23: with one actor's announcements days apart
    # conflicting 0.946 (precision 0.962: the interview apart from the two tweets, which stay one story, 9 merged);
    # with one actor's headlines whose texts never name each other's things conflicting softly 0.964 (precision 1.000),
    # none merged
    "heldout8": (79, 0.95, 0, 0.96),
    # the ninth draw (41 stories, 108 articles: two stars' birthdays, five film/series projects announced, four rows over
    # a star's image used, two broadcasters dropping a K-pop group, a promotion race's last afternoon, two athletes'
    # divorces, three actors leaving a series; a chemical leak, three finance regulators' papers, three companies'
    # reorganisations, three of 滴滴's safety measures, two of 北京's rules of one day, three teachers' punishments, three
    # staff reported by students, a bus crash), scored when drawn (stop 33, on 9bf1200's story code): F1 0.920
    # (precision 0.988, recall 0.860), 2 of 248 same-topic pairs merged (滴滴's first feedback round and its public review
    # panel two days later); related 0.938 / 1.000; baseline 0.849. Gated a point under, the merges at 2. Scored once
    # after story round 22: unchanged. A tuning split since story round 23: with one actor's announcements days apart
    # conflicting 0.925 (precision 1.000), none merged
    "heldout9": (108, 0.915, 0, 0.93),
    # the tenth draw (50 stories, 100 articles, asked for one actor's several different announcements or actions within
    # days and one kind of event by different actors on one day: 盖茨's visit, FF and 恒大, 乐视网's notices, regulators
    # before 双11, parents' chat groups, stars' pregnancies, court hearings, rumours denied, injury withdrawals,
    # retirements), scored when drawn (stop 34, on cfa303f's story code): F1 0.870 (precision 0.829, recall 0.916), 60 of
    # 408 same-topic pairs merged (盖茨's speech, meetings and expo one story, among others); related 0.811 / 0.855;
    # baseline 0.854. Gated a point under, the merges at 60. Scored once after story rounds 23 and 24 (with entity round
    # 22): unchanged (盖茨's meetings, speech and expo still one story). A tuning split since story round 25: with one
    # guest met by two hosts two meetings, a meeting apart (softly) from its guest's doings whose text never names the
    # host, and two people's own withdrawals of one tournament two events, 0.901 (precision 0.886), 30 merged, related
    # 0.825 / 0.870; with one person's words told of two days conflicting softly 0.914 (precision 0.912), 22 merged,
    # related 0.840 / 0.884
    "heldout10": (100, 0.90, 22, 0.83),
    # the eleventh draw (46 stories, 100 articles), a tuning draw of one actor's several actions within days (Apple,
    # Alibaba, the education ministry, 德约科维奇, 艾伦, 周琦, weightlifting finals, K-pop acts), scored when drawn (stop 34,
    # on cfa303f's story code): F1 0.883 (precision 0.807, recall 0.973), 134 of 548 same-topic pairs merged; related
    # 0.944 / 0.986; baseline 0.726. Gated a point under, the merges at 134; tuned on from stop 34: with one actor's
    # headlines whose texts tell of days two or more apart a conflict (story round 24) 0.948 (precision 0.925), 16
    # merged, related 0.958 / 1.000
    "heldout11": (100, 0.93, 16, 0.94),
    # the twelfth draw (71 stories, 100 articles, most of one article: casting, release dates, box-office weekends, shoots'
    # accidents, agencies' deals, a boxing congress, fines, coaches, practice sessions; 亚马逊's, 微软's, 软银's, SpaceX's
    # and 人人车's several actions, antitrust inquiries, medical schools' admissions, expo stands, fashion brands), scored
    # when drawn (stop 34, on 73e7cc3: story rounds 23 and 24): F1 0.926 (precision 0.874, recall 0.985), 26 of 192
    # same-topic pairs merged; related 1.000 / 1.000; baseline 0.929. Gated a point under, the merges at 26. Scored
    # once after story round 25 (with entity round 23): unchanged
    "heldout12": (100, 0.91, 26, 0.99),
}


@pytest.mark.parametrize("split", DRAWS)
def test_each_draw_of_new_kinds_of_events_stays_above_its_floors(split):
    articles, f1, merged, related = DRAWS[split]
    quality = evaluate_stories(LABELED, split)
    assert quality.articles == articles
    assert quality.zixun.f1 >= f1, quality.zixun.line()
    assert quality.zixun.same_topic_merged <= merged, quality.zixun.line()
    assert quality.related.in_story >= related, quality.related.line()


def test_within_a_corpus_the_split_is_ingested_among_its_articles_dated_within_the_split(tmp_path):
    from datetime import datetime

    from zixun.evaluate.stories import _background, read_labels

    sample = [json.loads(line) for line in (ROOT / "zixun" / "data" / "sample.jsonl").read_text("utf-8").splitlines()]
    for record in sample[::2]:
        record["published_at"] = None  # undated, as the dev corpus is
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sample), encoding="utf-8")
    labelled = read_labels(LABELED)
    heldout = [r for r in labelled if r["split"] == "heldout"]
    shared = {r["id"] for r in sample} & {r["id"] for r in labelled}
    assert shared  # the sample holds labelled articles: they are not ingested twice

    background = _background([corpus], heldout, labelled)
    assert len(background) == len(sample) - len(shared) and not {r["id"] for r in background} & shared
    first = min(datetime.fromisoformat(r["published_at"]) for r in heldout)
    last = max(datetime.fromisoformat(r["published_at"]) for r in heldout)
    undated = {r["id"] for r in sample[::2]} - shared
    assert all(first <= datetime.fromisoformat(r["published_at"]) <= last for r in background if r["id"] in undated)

    quality = evaluate_stories(LABELED, "heldout", within=[corpus])
    assert quality.articles == len(heldout) and quality.background == len(background)
    alone = evaluate_stories(LABELED, "heldout")
    assert quality.zixun.same_topic_pairs == alone.zixun.same_topic_pairs  # the labelled articles alone are scored
    assert 0 < quality.zixun.f1 <= 1 and quality.related.articles == alone.related.articles


def test_a_split_with_no_labelled_articles_is_a_label_error_naming_the_file(tmp_path):
    labels = tmp_path / "stories.jsonl"
    line = {"id": "a", "title": "标题", "body": "正文", "story": "s", "topic": "t", "split": "heldout"}
    labels.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(LabelError, match=r"stories\.jsonl: no labelled articles in split dev"):
        evaluate_stories(labels, "dev")


def test_among_a_corpus_pairs_are_drawn_for_a_reader_and_judged_pairs_scored_as_the_stories_place_them(tmp_path):
    sample = [json.loads(line) for line in (ROOT / "zixun" / "data" / "sample.jsonl").read_text("utf-8").splitlines()]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sample), encoding="utf-8")
    labelled = {r["id"] for r in read_labels(LABELED)}

    sheet = tmp_path / "sheet"
    drawn = evaluate_stories(LABELED, "heldout", within=[corpus], draw=(2, sheet, 1))
    key = [json.loads(line) for line in (sheet / "key.jsonl").read_text().splitlines()]
    assert drawn.drawn == len(key) == 2 and drawn.judged is None
    assert not {p["a"] for p in key} & labelled and not {p["b"] for p in key} & labelled
    text = (sheet / "sheet.txt").read_text("utf-8")
    titles = {r["id"]: r["title"] for r in sample}
    assert text.count("## PAIR") == 2 and all(titles[p["a"]] in text and titles[p["b"]] in text for p in key)

    # a reader's verdicts: the same run places every drawn pair in one story; a pair it never put together too
    judged = tmp_path / "judged.jsonl"
    verdicts = [{**p, "same": n % 2 == 0} for n, p in enumerate(key)]
    apart = {"a": key[0]["a"], "b": "zx18-nowhere00000", "same": True}
    judged.write_text("".join(json.dumps(v) + "\n" for v in [*verdicts, apart]), encoding="utf-8")
    placed = evaluate_stories(LABELED, "heldout", within=[corpus], judged=judged).judged
    assert (placed.judged, placed.together, placed.together_same, placed.same) == (3, 2, 1, 2)
    assert "2 of 3 in one story, 1 of them the same event (0.500)" in placed.line()

    # and a draw leaves out what is judged already
    again = evaluate_stories(LABELED, "heldout", within=[corpus], judged=judged, draw=(500, sheet, 1))
    redrawn = [json.loads(line) for line in (sheet / "key.jsonl").read_text().splitlines()]
    assert again.drawn == len(redrawn) >= 1 and not {frozenset((p["a"], p["b"])) for p in key} & {
        frozenset((p["a"], p["b"])) for p in redrawn
    }


def test_judged_pairs_need_a_corpus_and_a_verdict_on_each_line(tmp_path):
    judged = tmp_path / "judged.jsonl"
    judged.write_text('{"a": "x", "b": "y", "same": true}\n{"a": "x", "b": "y", "same": "yes"}\n', encoding="utf-8")
    with pytest.raises(LabelError, match="need --within"):
        evaluate_stories(LABELED, "heldout", judged=judged)
    with pytest.raises(LabelError, match=r"judged\.jsonl:2: a judged pair needs a, b and same"):
        evaluate_stories(LABELED, "heldout", within=[judged], judged=judged)


def test_the_cli_asks_for_draw_and_sheet_together_and_says_a_judged_file_needs_a_corpus(tmp_path):
    from tests.test_cli import zixun

    done = zixun("eval", "stories", str(LABELED), "--split", "dev", "--draw", "5")
    assert done.returncode == 2 and "--draw and --sheet go together" in done.stderr
    judged = tmp_path / "judged.jsonl"
    judged.write_text('{"a": "x", "b": "y", "same": false}\n', encoding="utf-8")
    done = zixun("eval", "stories", str(LABELED), "--split", "dev", "--judged", str(judged))
    assert done.returncode == 1 and "--judged and --draw need --within" in done.stderr
