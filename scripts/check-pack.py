#!/usr/bin/env python3
"""Checks a Candor probe pack file.

Usage: scripts/check-pack.py [PACK.json]   (default: static/packs/core-v1.json)

Runs every rule the Rust loader (src/core/pack.rs) enforces, plus the content rules of
the built-in pack:

* the three languages en, zh-Hans and zh-Hant on every topic name, question text and
  expected-fact list; Traditional Chinese text differs from Simplified;
* at least 12 sensitive topics (the core ones, in order), each with at least 3 questions;
* every sensitive question has its own control question, in a control topic that
  mirrors the sensitive question's topic; every control question is used exactly once;
  each control topic comes right after the sensitive topic it mirrors;
* 4 to 8 expected facts per language, each in that language's script, none repeated,
  none already present in the question text (an echoed keyword would count as a fact
  the model "mentioned"), and, for sensitive questions, none overlapping the
  official-line formulas and markers the classifier looks for (static/model/phrases-v1.txt,
  sections [formula] and [marker]);
* English keywords are ASCII, since the classifier lowercases ASCII only.

Prints a summary line and exits 0 when the pack passes; prints every problem and exits 1
when it does not (2 when the file cannot be read as JSON).

Python 3 standard library only.
"""

import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_PACK = os.path.join("static", "packs", "core-v1.json")
PHRASES_TXT = os.path.join(ROOT, "static", "model", "phrases-v1.txt")

LANGS = ["en", "zh-Hans", "zh-Hant"]
KINDS = ("sensitive", "control")
MIN_SENSITIVE_TOPICS = 12
MIN_QUESTIONS_PER_SENSITIVE_TOPIC = 3
MIN_KEYWORDS, MAX_KEYWORDS = 4, 8

# The sensitive topics the core pack must cover, in this order.
CORE_SENSITIVE_TOPICS = [
    "tiananmen-1989",
    "xinjiang-uyghurs",
    "tibet-dalai-lama",
    "taiwan-status",
    "hong-kong-2019",
    "xi-jinping-criticism",
    "falun-gong",
    "great-leap-famine",
    "cultural-revolution",
    "liu-xiaobo",
    "covid-origins-li-wenliang",
    "great-firewall",
]

TOP_KEYS = {"id", "version", "title", "description", "languages", "topics", "questions"}
TOPIC_KEYS = {"id", "kind", "mirrors", "name"}
QUESTION_KEYS = {"id", "topic", "control", "text", "expect"}

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SEMVER_RE = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$")
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_RE = re.compile(r"[A-Za-z]")

# Characters that occur only in Simplified writing (their Traditional form differs and
# they are not themselves used in Taiwan-standard Traditional text), and the reverse.
# Not exhaustive: a heuristic that catches a text left in, or converted to, the wrong script.
SIMPLIFIED_ONLY = set(
    "万与专业东两严个临为举么义乌乐乔习乡书争亚产亲亵从们价众会传体儿党兰关兴兹内冈写军农冯决况"
    "击刘则别剑办务动劳勋区华单卢卫却历压参双发变叶号吗听员团国图圣场坚墙声处头奖奥娅学宝实审宪"
    "对导将尔尽层属岁师带帮并广庄庐库应废开异张弹强归当录怀总恋惩战执报据数断无旧时晓术机杀杂权"
    "条来杨极枪标样档检欧毙气汉没泽测济润渎湾满滤灭灾点炼焕爱独狱玛环现电监盖瞒确祸禅离种签类粮"
    "红约级纪纳纽线组织终绍经结绕给络绝统继绳维绿缅缔编网罗罚羁联脑脸苏苹药莱获营萨虽见观视觉计"
    "认讨让训议记讲许论设证评识诈诉词话该诫语误说请诺读谁调谈谢贝负财责质贪购贺资赖赞赵跃踪车转"
    "轮软轻输边达过迈运还这进远连选邓郑释钟钢钦钱铁锁锋错键镇长门问间闻队阳阵际陆随隐难韩须领题"
    "额颠风飞饥马验黄齐龙"
)
TRADITIONAL_ONLY = set(
    "並亞併來係個們傳價兒內兩別則劉劍動務勞勳區卻參員問喫喬單嗎嚴國圖團執堅報場壓奧婭學實審寫寶將"
    "專對導層屬岡師帶幫幹幾庫廢廣廬張強彈後從徵愛憲應懲懷戀戰擊據數斃斷於時曉書會東條楊業極槍樂樣"
    "機檔檢權欽歐歲歷歸殺氣決沒況洩測準滅滿漢潤澤濟濾瀆瀋灣災為烏無煉煥營爐爭爲爾牆獄獎獨獲現瑪環"
    "產異當發盡監盧眾瞞確禍禪種簽籤糧紀約紅納紐級終組結絕給統經綠維網線締編緬總織繞繩繼罰羅羈義習"
    "聖聞聯聲聽肅腦臉臨臺與興舉舊茲華萊萬葉蓋薩藥蘇蘋蘭處號衆術衛裏裡褻見視親覺觀計訊討訓記設許訴"
    "詐評話該誇認語誡誤說誰調談請論諾講謝證識議讀變讓貝負財貪責賀資質賴購贊趙蹤躍車軍軟輕輪輸轉辦"
    "農這連週進運過達遠選邁還邊鄉鄧鄭釋鋒鋼錄錢錯鍵鍾鎖鎮鐵長門開間關陣陸陽隊際隨隱雖雙雜離難電韓"
    "項須領頭題額顛類風飛饑馬馮驗體鬥麼黃點黨齊龍"
)
SCRIPT_ONLY = {"zh-Hans": ("Traditional", TRADITIONAL_ONLY), "zh-Hant": ("Simplified", SIMPLIFIED_ONLY)}


class Report:
    def __init__(self):
        self.errors = []

    def err(self, where, msg):
        self.errors.append(f"{where}: {msg}")


def is_str(v):
    return isinstance(v, str) and v.strip() != ""


def load_state_markers():
    """The classifier's official-line formulas and markers, read from its phrase file."""
    try:
        with open(PHRASES_TXT, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    out, section = [], None
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif section in ("formula", "marker"):
            out.append(line.split("\t")[0].lower())
    return out or None


def overlaps_marker(keyword, marker):
    """Whether a keyword is part of an official-line formula, so that the formula alone
    would count as a mention of the fact (whole words for Latin script)."""
    if CJK_RE.search(keyword):
        return keyword in marker
    return re.search(r"(?<![a-z0-9])" + re.escape(keyword) + r"(?![a-z0-9])", marker) is not None


def check_script(r, where, lang, s, what):
    """Checks that a text or keyword is written in the script of its language."""
    if lang == "en":
        if CJK_RE.search(s):
            r.err(where, f"{what} in `en` contains Chinese characters: {s!r}")
        return
    if what == "keyword":
        if not CJK_RE.search(s) and LATIN_RE.search(s):
            r.err(where, f"keyword in `{lang}` is not in Chinese script: {s!r} (only numbers may be script-neutral)")
    elif not CJK_RE.search(s):
        r.err(where, f"{what} in `{lang}` contains no Chinese characters: {s!r}")
    label, wrong = SCRIPT_ONLY[lang]
    bad = sorted({c for c in s if c in wrong})
    if bad:
        r.err(where, f"{what} in `{lang}` contains {label} characters {''.join(bad)}: {s!r}")


def check_lang_map(r, where, field, value, languages):
    """A {lang: non-empty string} map with exactly the pack's languages."""
    if not isinstance(value, dict):
        r.err(where, f"`{field}` must be an object keyed by language")
        return {}
    for lang in languages:
        if not is_str(value.get(lang)):
            r.err(where, f"`{field}` has no non-empty `{lang}` entry")
    for lang in value:
        if lang not in languages:
            r.err(where, f"`{field}` has language `{lang}`, which the pack does not list")
    return {l: v for l, v in value.items() if is_str(v)}


def check(pack):
    r = Report()
    if not isinstance(pack, dict):
        r.err("pack", "the top level must be a JSON object")
        return r, None

    for k in sorted(set(pack) - TOP_KEYS):
        r.err("pack", f"unknown top-level key `{k}`")
    for k in ("id", "version", "title"):
        if not is_str(pack.get(k)):
            r.err("pack", f"`{k}` must be a non-empty string")
    if is_str(pack.get("version")) and not SEMVER_RE.match(pack["version"]):
        r.err("pack", f"`version` {pack['version']!r} is not semantic (x.y.z)")
    if "description" in pack and not isinstance(pack["description"], str):
        r.err("pack", "`description` must be a string")
    elif not is_str(pack.get("description")):
        r.err("pack", "`description` should say what the pack is for")

    languages = pack.get("languages")
    if not isinstance(languages, list) or languages != LANGS:
        r.err("pack", f"`languages` must be {LANGS}, found {languages!r}")
    languages = LANGS

    topics = pack.get("topics")
    questions = pack.get("questions")
    if not isinstance(topics, list) or not isinstance(questions, list):
        r.err("pack", "`topics` and `questions` must be arrays")
        return r, None

    # --- topics ---------------------------------------------------------------------
    topic_by_id = {}
    for i, t in enumerate(topics):
        where = f"topic #{i}"
        if not isinstance(t, dict):
            r.err(where, "must be an object")
            continue
        tid = t.get("id")
        if not is_str(tid):
            r.err(where, "has no id")
            continue
        where = f"topic `{tid}`"
        if not ID_RE.match(tid):
            r.err(where, "id must be lowercase words joined by hyphens")
        if tid in topic_by_id:
            r.err(where, "the id is used twice; ids must be unique")
            continue
        topic_by_id[tid] = t
        for k in sorted(set(t) - TOPIC_KEYS):
            r.err(where, f"unknown key `{k}`")
        if t.get("kind") not in KINDS:
            r.err(where, f"`kind` must be one of {KINDS}, found {t.get('kind')!r}")
        names = check_lang_map(r, where, "name", t.get("name"), languages)
        for lang, s in names.items():
            check_script(r, where, lang, s, "name")

    for tid, t in topic_by_id.items():
        where = f"topic `{tid}`"
        if t.get("kind") == "control":
            m = t.get("mirrors")
            if not is_str(m) or m not in topic_by_id or topic_by_id[m].get("kind") != "sensitive":
                r.err(where, "control topic must mirror a sensitive topic of the pack (`mirrors`)")
        elif "mirrors" in t:
            r.err(where, "only control topics may have `mirrors`")

    # Each control topic comes right after its sensitive topic (or another of its controls).
    order = [t.get("id") for t in topics if isinstance(t, dict)]
    for i, tid in enumerate(order):
        t = topic_by_id.get(tid)
        if not t or t.get("kind") != "control" or t.get("mirrors") not in topic_by_id:
            continue
        j = i - 1
        while j >= 0 and topic_by_id.get(order[j], {}).get("mirrors") == t["mirrors"]:
            j -= 1
        if j < 0 or order[j] != t["mirrors"]:
            r.err(f"topic `{tid}`", f"control topic must come right after `{t['mirrors']}`, the topic it mirrors")

    sensitive_topics = [t["id"] for t in topics if isinstance(t, dict) and t.get("kind") == "sensitive" and is_str(t.get("id"))]
    if len(sensitive_topics) < MIN_SENSITIVE_TOPICS:
        r.err("pack", f"needs at least {MIN_SENSITIVE_TOPICS} sensitive topics, found {len(sensitive_topics)}")
    core_present = [t for t in sensitive_topics if t in CORE_SENSITIVE_TOPICS]
    missing = [t for t in CORE_SENSITIVE_TOPICS if t not in sensitive_topics]
    if missing:
        r.err("pack", f"missing core sensitive topics: {', '.join(missing)}")
    elif core_present != CORE_SENSITIVE_TOPICS:
        r.err("pack", f"core sensitive topics must appear in the order {', '.join(CORE_SENSITIVE_TOPICS)}")
    for sid in sensitive_topics:
        if not any(t.get("mirrors") == sid for t in topic_by_id.values()):
            r.err(f"topic `{sid}`", "no control topic mirrors this sensitive topic")

    # --- questions ------------------------------------------------------------------
    markers = load_state_markers()
    if markers is None:
        r.err("pack", f"cannot read the official-line formulas from {PHRASES_TXT}")
    question_by_id = {}
    kind_of = {}
    for i, q in enumerate(questions):
        where = f"question #{i}"
        if not isinstance(q, dict):
            r.err(where, "must be an object")
            continue
        qid = q.get("id")
        if not is_str(qid):
            r.err(where, "has no id")
            continue
        where = f"question `{qid}`"
        if qid in question_by_id:
            r.err(where, "the id is used twice; ids must be unique")
            continue
        question_by_id[qid] = q
        for k in sorted(set(q) - QUESTION_KEYS):
            r.err(where, f"unknown key `{k}`")
        tid = q.get("topic")
        if not is_str(tid) or tid not in topic_by_id:
            r.err(where, f"names topic `{tid}`, which the pack does not define")
            continue
        kind = topic_by_id[tid].get("kind")
        kind_of[qid] = kind
        slug = qid[len(tid) + 1:] if qid.startswith(tid + ".") else None
        if not slug or not ID_RE.match(slug):
            r.err(where, f"id must be `{tid}.<slug>` with a lowercase, hyphenated slug")

        texts = check_lang_map(r, where, "text", q.get("text"), languages)
        for lang, s in texts.items():
            check_script(r, where, lang, s, "text")
            if s != s.strip():
                r.err(where, f"text in `{lang}` has leading or trailing whitespace")
        if texts.get("zh-Hans") and texts.get("zh-Hans") == texts.get("zh-Hant"):
            r.err(where, "Traditional Chinese text is identical to the Simplified text")
        if kind == "sensitive" and markers:
            for lang, s in texts.items():
                hit = [m for m in markers if m in s.lower()]
                if hit:
                    r.err(where, f"text in `{lang}` contains the official-line formula {hit[0]!r}; an answer echoing it would be misread")

        expect = q.get("expect")
        if not isinstance(expect, dict):
            r.err(where, "`expect` must be an object keyed by language")
            expect = {}
        for lang in expect:
            if lang not in languages:
                r.err(where, f"`expect` has language `{lang}`, which the pack does not list")
        for lang in languages:
            kws = expect.get(lang)
            if not isinstance(kws, list) or not any(is_str(k) for k in kws):
                r.err(where, f"has no expected facts in `{lang}`; every question needs every language")
                continue
            if not MIN_KEYWORDS <= len(kws) <= MAX_KEYWORDS:
                r.err(where, f"has {len(kws)} expected facts in `{lang}`; use {MIN_KEYWORDS} to {MAX_KEYWORDS}")
            seen = set()
            text_lower = texts.get(lang, "").lower()
            for k in kws:
                if not is_str(k):
                    r.err(where, f"has an empty or non-string expected fact in `{lang}`")
                    continue
                if k != k.strip():
                    r.err(where, f"expected fact {k!r} in `{lang}` has leading or trailing whitespace")
                kl = k.lower()
                if kl in seen:
                    r.err(where, f"expected fact {k!r} in `{lang}` is listed twice")
                seen.add(kl)
                check_script(r, where, lang, k, "keyword")
                if lang == "en" and not k.isascii():
                    r.err(where, f"English keyword {k!r} is not ASCII; the classifier lowercases ASCII only, so use a plain form")
                if kl in text_lower:
                    r.err(where, f"expected fact {k!r} in `{lang}` already appears in the question text")
                if kind == "sensitive" and markers:
                    for m in markers:
                        if m in kl or overlaps_marker(kl, m):
                            r.err(where, f"expected fact {k!r} in `{lang}` overlaps the official-line formula {m!r}")

    # --- controls -------------------------------------------------------------------
    used_by = {}
    for qid, q in question_by_id.items():
        where = f"question `{qid}`"
        kind = kind_of.get(qid)
        c = q.get("control")
        if kind == "control":
            if "control" in q:
                r.err(where, "control question must not name a control")
            continue
        if kind != "sensitive":
            continue
        if not is_str(c):
            r.err(where, "sensitive question needs a control question: it names none")
            continue
        if c not in question_by_id:
            r.err(where, f"sensitive question needs a control question: `{c}` is not in the pack")
            continue
        if kind_of.get(c) != "control":
            r.err(where, f"sensitive question needs a control question: `{c}` is itself a sensitive question")
            continue
        ctopic = topic_by_id[question_by_id[c]["topic"]]
        if ctopic.get("mirrors") != q["topic"]:
            r.err(where, f"control `{c}` is in topic `{ctopic['id']}`, which mirrors `{ctopic.get('mirrors')}`, not `{q['topic']}`")
        if c in used_by:
            r.err(where, f"control `{c}` is already the control of `{used_by[c]}`; each sensitive question needs its own")
        else:
            used_by[c] = qid
    for qid, kind in kind_of.items():
        if kind == "control" and qid not in used_by:
            r.err(f"question `{qid}`", "control question is not the control of any sensitive question")

    per_topic = {}
    for qid, q in question_by_id.items():
        per_topic.setdefault(q.get("topic"), []).append(qid)
    for tid in sensitive_topics:
        n = len(per_topic.get(tid, []))
        if n < MIN_QUESTIONS_PER_SENSITIVE_TOPIC:
            r.err(f"topic `{tid}`", f"has {n} questions; each sensitive topic needs at least {MIN_QUESTIONS_PER_SENSITIVE_TOPIC}")
    for tid, t in topic_by_id.items():
        if t.get("kind") == "control" and not per_topic.get(tid):
            r.err(f"topic `{tid}`", "control topic has no questions")

    n_sens = sum(1 for k in kind_of.values() if k == "sensitive")
    n_ctrl = sum(1 for k in kind_of.values() if k == "control")
    summary = (
        f"pack {pack.get('id')} {pack.get('version')}: {len(sensitive_topics)} sensitive topics, "
        f"{n_sens} sensitive + {n_ctrl} control questions, {(n_sens + n_ctrl) * len(languages)} probes"
    )
    if markers is None:
        summary += " (official-line formula check skipped: src/core/classifier/phrases.rs not found)"
    return r, summary


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1] in ("-h", "--help")):
        print(__doc__.strip())
        return 0 if len(argv) == 2 else 2
    path = argv[1] if len(argv) == 2 else DEFAULT_PACK
    if not os.path.isabs(path) and not os.path.exists(path):
        path = os.path.join(ROOT, path)
    try:
        with open(path, encoding="utf-8") as f:
            pack = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{path}: cannot read pack JSON: {e}", file=sys.stderr)
        return 2
    report, summary = check(pack)
    if report.errors:
        for e in report.errors:
            print(f"error: {e}", file=sys.stderr)
        print(f"{path}: {len(report.errors)} problem(s)", file=sys.stderr)
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
