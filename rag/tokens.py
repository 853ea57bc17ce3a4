"""Chinese keyword tokens for BM25: jieba with a dictionary of policy terms."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources

import jieba
import jieba.posseg  # its tag table is read from jieba's dictionary on import (0.6 s): at start, not on a request

_KEEP = re.compile(r"[\w\u4e00-\u9fff]")
STOPWORDS = frozenset(
    "的 了 和 与 及 等 在 对 为 是 有 我 我们 你 你们 吗 呢 啊 吧 么 什么 哪些 哪个 怎么 怎样 如何 "
    "可以 能 能否 是否 这个 那个 一个 关于 里 中 上 下 要 会 把 被 从 就 都 也 还 又 请问 请 "
    "多少 几 哪 谁 由 给 让 做 用 以 之 其 并 或 而 所 该 此 "
    # words about documents rather than their content ("哪个文件提到了…")
    "文件 哪份 这份 那份 提到 提及 说到 讲到 有关 相关 内容 条款 原文 规定 政策".split()
)


_options = {"user_dictionary": True}


@lru_cache(maxsize=2)
def _tokenizer(user_dictionary: bool = True) -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    if user_dictionary:
        with resources.as_file(resources.files("rag") / "data" / "userdict.txt") as path:
            tokenizer.load_userdict(str(path))
    return tokenizer


@contextmanager
def plain_jieba() -> Iterator[None]:
    """Tokenize with jieba's own dictionary only, to measure what the policy-term dictionary adds.

    An index built outside this block keeps its tokens: re-tokenise it inside (the evaluation does)."""
    _options["user_dictionary"] = False
    try:
        yield
    finally:
        _options["user_dictionary"] = True


def tokenize(text: str) -> list[str]:
    """Search-mode tokens (long words also yield their parts), stopwords and punctuation removed."""
    return list(_tokens(text, _options["user_dictionary"]))


def word_sequence(text: str) -> list[str]:
    """jieba's precise-mode words in order, nothing removed."""
    return list(_words(text, _options["user_dictionary"]))


# Clause sentences are cut again for every question that quotes them: remembered, not recut.
@lru_cache(maxsize=8192)
def _tokens(text: str, user_dictionary: bool) -> tuple[str, ...]:
    return tuple(
        token.lower()
        for token in _tokenizer(user_dictionary).cut_for_search(text)
        if token.strip() and _KEEP.search(token) and token not in STOPWORDS
    )


@lru_cache(maxsize=8192)
def _words(text: str, user_dictionary: bool) -> tuple[str, ...]:
    return tuple(_tokenizer(user_dictionary).lcut(text))


def word_boundaries(text: str) -> set[int]:
    """The offsets where jieba's precise-mode words of the text start or end."""
    bounds, at = {0}, 0
    for word in _words(text, _options["user_dictionary"]):
        at += len(word)
        bounds.add(at)
    return bounds


def words(text: str) -> list[str]:
    """Whole words of two or more characters (jieba's precise mode), stopwords removed.

    Unlike tokenize(), a compound stays whole: 个人所得税 is not matched by 所得税."""
    return [w.lower() for w in word_sequence(text) if len(w) >= 2 and _KEEP.search(w) and w not in STOPWORDS]


def is_word(text: str) -> bool:
    """jieba's dictionary (with the policy terms) knows `text` as a word of its own."""
    tokenizer = _tokenizer(_options["user_dictionary"])
    tokenizer.check_initialized()
    return tokenizer.FREQ.get(text, 0) > 0


# jieba's part-of-speech tags for nouns: common, proper, place, organisation, other proper, abbreviations,
# verbal nouns (平台 n, 房贷 j, 服务 vn).
_NOUN_TAGS = frozenset("n nr ns nt nz ng nrt nrfg j vn".split())


def part_of_speech(word: str) -> str | None:
    """jieba's general-dictionary tag of the word (n, v, r…), None when the dictionary lacks it."""
    return jieba.posseg.dt.word_tag_tab.get(word)


def names_a_thing(word: str) -> bool:
    """Is the word a noun in jieba's general dictionary, or a longer word it does not know? 房贷 and
    医美贷 name a topic; 说法, 这块, 里面 and 看看 do not, nor do two characters that jieba's
    statistical model joined (看下, 咋弄)."""
    tag = part_of_speech(word)
    return tag in _NOUN_TAGS or tag is None and len(word) >= 3


def parts(word: str) -> list[str]:
    """The dictionary words a word is made of (要建 → 要, 建), without jieba's guessing."""
    return _tokenizer(_options["user_dictionary"]).lcut(word, HMM=False)


# Words of the question frame that the corpus, being written prose, never uses (还有, 别的, 怎么办…):
# built from the corpus's own stopword-free vocabulary would be circular, so they are the small
# closed class of Chinese discourse particles and question words.
QUESTION_WORDS = frozenset(
    "还有 别的 其他 另外 具体 怎么 怎么样 怎样 如何 什么 什么时候 哪些 哪个 哪里 哪儿 为什么 多少 多久 几时 是否 "
    "有没有 是不是 能不能 可不可以 要不要 现在 目前 那么 然后 一下 请问 哪年 哪天 几年 几月 几号 "
    # their colloquial and dialect forms (啥 = 什么, 咋 = 怎么, 有木有 = 有没有)
    "啥 啥时候 为啥 咋 咋样 咋办 多会儿 啥子 咋个 有木有 木有 有冇".split()
)


def abbreviates(short: str, text: str, spread: int = 3) -> bool:
    """Does the text hold the characters of `short` in this order, within `spread` times its length,
    as Chinese shortens a name (个体户 for 个体工商户, 新消费 for 新型消费, 网约车 for 网络预约出租汽车)?"""
    if not short:
        return False
    for start in (i for i, c in enumerate(text) if c == short[0]):
        at = start
        for char in short[1:]:
            at = text.find(char, at + 1)
            if at < 0 or at - start >= spread * len(short):
                break
        else:
            return True
    return False


def longest_first(words: Iterable[str]) -> list[str]:
    """Words to try the longest first, equal lengths in a fixed order (not a set's, which changes
    from run to run)."""
    return sorted(words, key=lambda w: (-len(w), w))


def without_question_words(text: str) -> str:
    """The text with its question words blanked, the longest first (什么时候 is not 时候)."""
    for word in _QUESTION_WORDS_LONGEST_FIRST:
        text = text.replace(word, " ")
    return text


# The colloquial and dialect question words above, in their written forms (啥 = 什么, 咋 = 怎么).
_WRITTEN = {
    "啥时候": "什么时候", "为啥": "为什么", "啥子": "什么", "啥": "什么", "咋个": "怎么", "咋样": "怎么样",
    "咋办": "怎么办", "咋": "怎么", "有木有": "有没有", "木有": "没有", "有冇": "有没有", "多会儿": "什么时候",
}  # fmt: skip
_WRITTEN_LONGEST_FIRST = longest_first(_WRITTEN)


def written_forms(text: str) -> str:
    """The text with colloquial question words in their written forms, the longest first, so that what
    a question asks for (要带啥材料 → 什么材料, 截止到啥时候) reads as in written Chinese."""
    for word in _WRITTEN_LONGEST_FIRST:
        text = text.replace(word, _WRITTEN[word])
    return text


_QUESTION_WORDS_LONGEST_FIRST = longest_first(QUESTION_WORDS)
