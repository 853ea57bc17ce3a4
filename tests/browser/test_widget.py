"""The embeddable widget in headless Chromium, against the real app (plus one scripted server).

Run: .venv/bin/python -m pytest tests/browser -q
Set POLICYQA_SCREENSHOT=1 to refresh docs/widget.png.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip("Chromium not installed: apt-get install chromium", allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="Playwright not installed: pip install -e '.[dev]'")

from playwright.sync_api import Page, expect  # noqa: E402

QUESTION = "灵活就业人员的社会保险费可以缓缴吗？"
CLAUSE_SENTENCE = "落实灵活就业人员缓缴社会保险费政策"
FULL_CITATION = "《天津市加快发展新型消费实施方案（征求意见稿）》（十六）"
XSS = "<img src=x onerror=alert(1)>"
ACCENT = "rgb(180, 35, 42)"  # #b4232a

SHADOW = "document.getElementById('policyqa-widget-host').shadowRoot"


# --------------------------------------------------------------------------- helpers
def active_class(page: Page) -> str:
    """Class of the focused element inside the widget's shadow root ('' when focus is elsewhere)."""
    return page.evaluate(
        """() => {
            const host = document.getElementById('policyqa-widget-host');
            if (document.activeElement !== host) return '';
            const el = host.shadowRoot.activeElement;
            return el ? (el.getAttribute('class') || el.tagName) : '';
        }"""
    )


def open_widget(page: Page) -> None:
    launcher = page.locator(".pqa-launcher")
    expect(launcher).to_be_visible()
    launcher.click()
    expect(page.locator(".pqa-panel")).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "true")


def last_answer(page: Page):
    return page.locator(".pqa-bot:not(.pqa-welcome)").last


def ask(page: Page, question: str, *, state: str = "done"):
    """Type a question, send it with the button and wait for the answer to finish."""
    page.locator(".pqa-input").fill(question)
    page.locator(".pqa-send").click()
    answer = last_answer(page)
    expect(answer).to_have_attribute("data-state", state)
    return answer


def record_answer_renders(page: Page) -> None:
    """Note the answer's rendered length at every DOM update, even when updates come in one batch."""
    page.evaluate(
        """(shadow) => {
            window.__pqaRenders = [];
            new MutationObserver((records) => {
                for (const r of records) {
                    if (r.type === 'childList' && r.target.classList && r.target.classList.contains('pqa-answer')) {
                        let n = 0;
                        r.addedNodes.forEach((node) => { n += node.textContent.length; });
                        window.__pqaRenders.push(n);
                    }
                }
            }).observe(shadow.querySelector('.pqa-log'), { childList: true, subtree: true });
        }""",
        page.evaluate_handle(f"() => {SHADOW}"),
    )


def screenshot_path(tmp_path: Path) -> Path:
    if os.environ.get("POLICYQA_SCREENSHOT") == "1":
        path = ROOT / "docs" / "widget.png"
        path.parent.mkdir(exist_ok=True)
        return path
    return tmp_path / "widget.png"


# --------------------------------------------------------------------------- 1 + 6
def test_demo_page_streams_an_answer_and_opens_the_cited_clause(app_server, open_tab, tmp_path):
    tab = open_tab(
        app_server.url + "/",
        viewport={"width": 1440, "height": 900},
        permissions=["clipboard-read", "clipboard-write"],
    )
    page = tab.page
    expect(page.locator(".site-name")).to_have_text("某某市政务服务网")
    # The portal's document list comes from /api/documents (the static fallback has no tooltips).
    expect(page.locator("#policy-docs li")).to_have_count(5)
    expect(page.locator("#policy-docs time[title='有效期至 2025-12-31']")).to_have_text("已废止")
    open_widget(page)
    expect(page.locator(".pqa-panel")).to_have_attribute("role", "dialog")
    expect(page.locator(".pqa-panel")).to_have_attribute("aria-label", "平台经济政策问答")
    expect(page.locator(".pqa-title")).to_have_text("平台经济政策问答")
    expect(page.locator(".pqa-log")).to_have_attribute("aria-live", "polite")
    assert active_class(page) == "pqa-input", "focus moves into the input on open"
    expect(page.locator(".pqa-welcome .pqa-chip")).to_have_count(3)  # default starter questions

    record_answer_renders(page)
    with page.expect_response(lambda r: r.url.endswith("/api/ask/stream")) as response_info:
        answer = ask(page, QUESTION)
    response = response_info.value
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/event-stream")

    text = answer.locator(".pqa-answer").inner_text()
    assert "「" in text and "[1]" in text
    renders = page.evaluate("window.__pqaRenders")
    assert len(set(renders)) >= 3 and max(renders) > min(renders), f"answer not rendered piece by piece: {renders}"
    expect(answer.locator(".pqa-source")).not_to_have_count(0)
    expect(answer.locator(".pqa-sources")).to_contain_text("天津新型消费实施方案")

    marker = answer.locator(".pqa-answer button.pqa-ref[data-n='1']").first
    expect(marker).to_have_text("[1]")
    expect(marker).to_have_attribute("aria-expanded", "false")
    marker.click()
    expect(marker).to_have_attribute("aria-expanded", "true")

    card = page.locator(".pqa-card")
    expect(card).to_be_visible()
    expect(card.locator(".pqa-card-ref")).to_contain_text("天津新型消费实施方案")
    expect(card.locator(".pqa-card-ref")).to_contain_text("（十六）")
    expect(card.locator(".pqa-card-heading")).to_have_text("完善劳动保障政策")
    clause = card.locator(".pqa-clause")
    expect(clause).to_contain_text(CLAUSE_SENTENCE)
    clause_text = clause.text_content()
    mark = clause.locator("mark")
    expect(mark).to_have_count(1)
    quote = mark.text_content()
    assert quote and quote in clause_text and CLAUSE_SENTENCE in quote
    expect(card.locator(".pqa-depts")).to_contain_text("市人社局")
    badges = card.locator(".pqa-badge")
    expect(badges).to_have_text(["已废止", "征求意见稿"])
    expect(card).to_contain_text(FULL_CITATION)

    copy = card.locator(".pqa-copy")
    copy.click()
    expect(copy).to_contain_text("已复制")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith(FULL_CITATION + "："), copied[:80]
    assert copied == FULL_CITATION + "：" + clause_text

    page.screenshot(path=str(screenshot_path(tmp_path)))

    # The conversation survives a reload in the same tab (sessionStorage, keyed per API base).
    page.reload()
    open_widget(page)
    expect(page.locator(".pqa-user .pqa-bubble")).to_have_text([QUESTION])
    restored = last_answer(page)
    expect(restored).to_have_attribute("data-state", "done")
    expect(restored.locator(".pqa-answer button.pqa-ref[data-n='1']").first).to_be_visible()
    keys = page.evaluate("() => Object.keys(sessionStorage)")
    assert keys == [f"policyqa:conversation:{app_server.url}||平台经济政策问答"]  # service, region, title


# --------------------------------------------------------------------------- 2
def test_server_text_is_shown_as_text_never_markup(app_server, open_tab):
    tab = open_tab(app_server.url + "/")
    page = tab.page
    open_widget(page)
    answer = ask(page, XSS)
    expect(page.locator(".pqa-user .pqa-bubble").last).to_have_text(XSS)
    page.wait_for_timeout(300)  # give a stray onerror handler time to fire
    assert tab.dialogs == []
    assert page.locator(".pqa-log img").count() == 0
    assert page.evaluate(f"() => {SHADOW}.querySelectorAll('img').length") == 0
    assert page.evaluate("() => document.querySelectorAll('img').length") == 0

    # The corpus cannot answer this: say so plainly and suggest rephrasing.
    expect(answer.locator(".pqa-notice")).to_have_text("未找到可直接回答的条款")
    expect(answer.locator(".pqa-hint")).to_contain_text("换一种说法")
    expect(answer.locator(".pqa-chip")).not_to_have_count(0)
    expect(answer.locator(".pqa-sources")).to_be_hidden()


def test_hostile_clause_text_and_errors_from_a_scripted_server(scripted_api, open_tab):
    citation = {
        "n": 1,
        "clause_id": "x#一",
        "source": "x.txt",
        "doc_id": "x",
        "doc_title": "<b>短标题</b>",
        "doc_full_title": "<script>alert(2)</script>全称",
        "label": "一、",
        "heading": "<img src=x onerror=alert(3)>",
        "text": f"前文。{XSS}后文。",
        "quote": XSS + "后文。",
        "departments": [{"name": "<i>市某局</i>", "lead": True}],
        "score": 0.5,
        "doc_status": "正式",
        "validity": "现行",
        "valid_until": None,
    }
    head = {"question": "恶意", "answerable": True, "citations": [citation]}
    done = {**head, "answer": f"「{XSS}后文。」[1]"}
    scripted_api.server.scenarios.update(
        {
            "恶意": (200, [("citations", head), ("delta", {"text": "「" + XSS}), ("delta", {"text": "后文。」[1]"}), ("done", done)]),
            "慢速": (200, [("citations", {**head, "question": "慢速"}), ("delta", {"text": "第一段。"}), 2.0, ("delta", {"text": "第二段。"}), ("done", {**done, "question": "慢速", "answer": "第一段。第二段。"})]),
            "出错": (200, [("citations", {**head, "question": "出错"}), ("delta", {"text": "半句"}), ("error", {"message": "boom", "message_zh": "服务内部错误，请稍后再试"})]),
            "太长": (422, {"detail": {"message": "Invalid request", "message_zh": "问题过长，最多 500 个字", "errors": []}}),
        }
    )
    scripted_api.pages["/"] = (
        '<!doctype html><meta charset="utf-8"><title>scripted</title><body><h1>测试页</h1>'
        '<script src="/widget.js" data-title="测试" data-region="天津" data-starters="恶意|慢速" async></script>'
    )
    tab = open_tab(scripted_api.origin + "/", permissions=["clipboard-read", "clipboard-write"])
    page = tab.page
    open_widget(page)
    expect(page.locator(".pqa-welcome .pqa-chip")).to_have_text(["恶意", "慢速"])

    answer = ask(page, "恶意")
    assert scripted_api.server.requests[-1] == {"question": "恶意", "region": "天津"}
    answer.locator(".pqa-answer button.pqa-ref[data-n='1']").first.click()
    card = page.locator(".pqa-card")
    expect(card.locator(".pqa-clause")).to_have_text(f"前文。{XSS}后文。")
    expect(card.locator(".pqa-clause mark")).to_have_text(XSS + "后文。")
    expect(card.locator(".pqa-card-heading")).to_have_text("<img src=x onerror=alert(3)>")
    expect(card.locator(".pqa-depts")).to_contain_text("<i>市某局</i>")
    expect(card.locator(".pqa-badge")).to_have_text(["现行"])
    expect(card).to_contain_text("《<script>alert(2)</script>全称》一、")
    page.wait_for_timeout(300)
    assert tab.dialogs == []
    assert page.evaluate(f"() => {SHADOW}.querySelectorAll('img, b, i, script').length") == 0

    # Where the Clipboard API refuses, the textarea + execCommand("copy") route still copies.
    page.evaluate("() => { navigator.clipboard.writeText = () => Promise.reject(new Error('denied')); }")
    card.locator(".pqa-copy").click()
    expect(card.locator(".pqa-copy")).to_contain_text("已复制")
    assert page.evaluate("() => navigator.clipboard.readText()") == f"《<script>alert(2)</script>全称》一、：前文。{XSS}后文。"

    # Pieces render as they arrive: the first is on screen while the server still waits.
    page.locator(".pqa-input").fill("慢速")
    page.locator(".pqa-send").click()
    slow = last_answer(page)
    expect(slow.locator(".pqa-answer")).to_have_text("第一段。", timeout=1800)
    expect(slow).to_have_attribute("data-state", "streaming")
    expect(slow.locator(".pqa-answer")).to_have_text("第一段。第二段。")
    expect(slow).to_have_attribute("data-state", "done")

    failed = ask(page, "出错", state="error")
    expect(failed).to_contain_text("半句")
    expect(failed.locator(".pqa-error-box")).to_have_text("服务内部错误，请稍后再试")

    rejected = ask(page, "太长", state="error")
    expect(rejected.locator(".pqa-error-box")).to_have_text("问题过长，最多 500 个字")


# --------------------------------------------------------------------------- 3
HOSTILE_CSS = """
  body { font-size: 40px; line-height: 3; letter-spacing: 6px; color: green; }
  * { font-family: monospace !important; background: #ff00ff; }
  button { all: unset; display: none !important; }
  div, p, section { border: 5px solid lime !important; margin: 30px !important; }
"""


def host_page(api_url: str, title: str, extra: str = "") -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>外部站点</title>'
        f"<style>{HOSTILE_CSS}</style></head><body><div><p>外部站点正文</p><button>站点按钮</button></div>"
        f'<script src="{api_url}/widget.js" data-title="{title}" {extra} async></script></body></html>'
    )


def test_allowed_origin_gets_answers_and_denied_origin_sees_a_configuration_error(
    app_server, allowed_site, denied_site, open_tab
):
    allowed_site.pages["/"] = host_page(
        app_server.url, "外部站点", f'data-open="true" data-starters="{QUESTION}|平台企业可以享受哪些税收优惠？"'
    )
    tab = open_tab(allowed_site.origin + "/")
    page = tab.page
    # data-open: the panel is open on load, without taking the focus from the host page.
    panel = page.locator(".pqa-panel")
    expect(panel).to_be_visible()
    expect(page.locator(".pqa-title")).to_have_text("外部站点")
    # The host page's CSS does not reach into the widget.
    launcher = page.locator(".pqa-launcher")
    expect(launcher).to_be_visible()
    assert launcher.evaluate("el => getComputedStyle(el).backgroundColor") == ACCENT
    assert launcher.evaluate("el => getComputedStyle(el).fontSize") == "16px"
    assert panel.evaluate("el => getComputedStyle(el).borderTopWidth") == "1px"
    assert page.locator(".pqa-bubble").first.evaluate("el => getComputedStyle(el).letterSpacing") == "normal"
    chips = page.locator(".pqa-welcome .pqa-chip")
    expect(chips).to_have_text([QUESTION, "平台企业可以享受哪些税收优惠？"])

    chips.first.click()
    answer = last_answer(page)
    expect(answer).to_have_attribute("data-state", "done")
    expect(answer.locator(".pqa-answer")).to_contain_text("[1]")
    expect(page.locator(".pqa-banner")).to_be_hidden()
    # ... and the widget's CSS does not reach the host page.
    assert page.locator("body > div > p").evaluate("el => getComputedStyle(el).borderTopWidth") == "5px"

    denied_site.pages["/"] = host_page(app_server.url, "外部站点", 'data-accent="#1f5fa8"')
    tab = open_tab(denied_site.origin + "/")
    page = tab.page
    open_widget(page)
    assert page.locator(".pqa-launcher").evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(31, 95, 168)"
    expect(page.locator(".pqa-banner")).to_contain_text("配置错误")  # noticed on open, before any question
    failed = ask(page, QUESTION, state="error")
    expect(failed).to_contain_text("配置错误")
    expect(failed).to_contain_text(f"本网站（{denied_site.origin}）未获授权")
    expect(failed).to_contain_text("POLICYQA_ALLOWED_ORIGINS")
    expect(failed).to_contain_text("网络")


# --------------------------------------------------------------------------- 4
def test_phone_viewport_goes_full_screen(app_server, open_tab, tmp_path):
    tab = open_tab(
        app_server.url + "/", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = tab.page
    open_widget(page)
    box = page.locator(".pqa-panel").bounding_box()
    assert box["width"] >= 360 and box["height"] >= 780, box
    field = page.locator(".pqa-input")
    expect(field).to_be_visible()
    field_box = field.bounding_box()
    assert 0 <= field_box["y"] and field_box["y"] + field_box["height"] <= 844, field_box
    expect(page.locator(".pqa-launcher")).to_be_hidden()  # the panel covers the screen; its × closes it

    answer = ask(page, QUESTION)
    answer.locator(".pqa-answer button.pqa-ref[data-n='1']").first.click()
    card = answer.locator(".pqa-card")  # inline under the answer on a narrow screen
    expect(card).to_be_visible()
    assert card.bounding_box()["width"] <= 390
    page.screenshot(path=str(tmp_path / "phone.png"))

    page.locator(".pqa-head-btn[aria-label='关闭对话窗口']").click()
    expect(page.locator(".pqa-panel")).to_be_hidden()
    expect(page.locator(".pqa-launcher")).to_be_visible()


# --------------------------------------------------------------------------- 5
def test_keyboard_enter_sends_and_escape_closes(app_server, open_tab):
    tab = open_tab(app_server.url + "/")
    page = tab.page
    launcher = page.locator(".pqa-launcher")
    launcher.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".pqa-panel")).to_be_visible()
    assert active_class(page) == "pqa-input"

    page.keyboard.type("第一行")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("第二行")
    expect(page.locator(".pqa-input")).to_have_value("第一行\n第二行")
    expect(page.locator(".pqa-user")).to_have_count(0)

    page.locator(".pqa-input").fill(QUESTION)
    page.keyboard.press("Enter")
    expect(page.locator(".pqa-user .pqa-bubble")).to_have_text([QUESTION])
    expect(page.locator(".pqa-input")).to_have_value("")
    answer = last_answer(page)
    expect(answer).to_have_attribute("data-state", "done")

    # A citation marker is a real button: focus it and press Enter.
    marker = answer.locator(".pqa-answer button.pqa-ref[data-n='1']").first
    marker.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".pqa-card")).to_be_visible()
    assert active_class(page) == "pqa-card"
    page.keyboard.press("Tab")  # the card's close button
    page.keyboard.press("Enter")
    expect(page.locator(".pqa-card")).to_have_count(0)
    assert active_class(page) == "pqa-ref"

    page.keyboard.press("Escape")
    expect(page.locator(".pqa-panel")).to_be_hidden()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    assert active_class(page) == "pqa-launcher"

    page.keyboard.press("Enter")  # reopen: the conversation is still there
    expect(page.locator(".pqa-panel")).to_be_visible()
    expect(page.locator(".pqa-user .pqa-bubble")).to_have_text([QUESTION])


def test_follow_up_sends_history_and_new_conversation_forgets_it(app_server, open_tab):
    """The widget sends the conversation with each question; the answer says which question it
    answered; 新对话 clears what is sent."""
    tab = open_tab(app_server.url + "/")
    page = tab.page
    open_widget(page)
    bodies = []
    page.on("request", lambda r: bodies.append(r.post_data_json) if r.url.endswith("/api/ask/stream") else None)
    ask(page, "天津对跨境电商有哪些支持？")
    follow = ask(page, "那浙江呢？")
    expect(follow.locator(".pqa-resolved")).to_have_text("按「浙江对跨境电商有哪些支持？」回答")
    assert [t["role"] for t in bodies[1]["history"]] == ["user", "assistant"]
    assert bodies[1]["history"][1]["citations"] and bodies[1]["history"][0]["content"] == "天津对跨境电商有哪些支持？"
    page.reload()  # the transcript survives a reload, and so does what is sent
    open_widget(page)
    ask(page, "它现在还有效吗？")
    assert len(bodies[2]["history"]) == 4
    page.locator(".pqa-head-btn", has_text="新对话").click()
    ask(page, "那浙江呢？")
    assert "history" not in bodies[3]
    expect(last_answer(page).locator(".pqa-resolved")).to_be_hidden()


def test_a_long_paste_is_not_cut_silently(app_server, open_tab):
    tab = open_tab(app_server.url + "/")
    page = tab.page
    open_widget(page)
    pasted = "我们公司在天津做跨境电商，" * 45 + "能享受哪些支持？"
    page.locator(".pqa-input").fill(pasted)
    expect(page.locator(".pqa-input")).to_have_value(pasted)  # nothing cut, the question at the end kept
    expect(page.locator(".pqa-too-long")).to_contain_text(f"问题共 {len(pasted)} 字")
    expect(page.locator(".pqa-send")).to_be_disabled()
    page.locator(".pqa-input").fill("天津对跨境电商有哪些支持？")
    expect(page.locator(".pqa-too-long")).to_be_hidden()
    expect(page.locator(".pqa-send")).to_be_enabled()


def test_two_widgets_keep_their_own_conversations_above_the_page(scripted_api, open_tab):
    """Two widgets (two regions) on one page: separate hosts, launchers and transcripts, both above a
    fixed bar of the host page; the same tag pasted twice still gives one widget."""
    head = {"question": "问一句", "answerable": False, "citations": [], "reason": "not_in_documents"}
    scripted_api.server.scenarios["问一句"] = (200, [("citations", head), ("done", {**head, "answer": "没有找到。"})])
    tag = '<script src="/widget.js" data-title="{t}" data-region="{r}" async></script>'
    scripted_api.pages["/two"] = (
        '<!doctype html><meta charset="utf-8"><title>two</title><body><h1>两个窗口</h1>'
        '<div style="position:fixed;right:0;bottom:0;width:100%;height:180px;z-index:99999;background:#036">页脚</div>'
        + tag.format(t="天津问答", r="天津") + tag.format(t="重庆问答", r="重庆") + tag.format(t="天津问答", r="天津")
    )
    tab = open_tab(scripted_api.origin + "/two")
    page = tab.page
    expect(page.locator("policyqa-widget")).to_have_count(2)
    launchers = page.locator(".pqa-launcher")
    expect(launchers).to_have_count(2)
    for host in ("policyqa-widget-host", "policyqa-widget-host-2"):
        on_top = page.evaluate(
            """(id) => { const b = document.getElementById(id).shadowRoot.querySelector('.pqa-launcher').getBoundingClientRect();
                 return document.elementFromPoint(b.x + b.width / 2, b.y + b.height / 2).id; }""",
            host,
        )
        assert on_top == host  # the launcher, not the page's fixed bar, is under the pointer
    # async scripts run in the order they arrive: find each widget by its title, not by its position
    widget = lambda title: page.locator("policyqa-widget").filter(has=page.locator(".pqa-title", has_text=title))  # noqa: E731
    tianjin = widget("天津问答")
    tianjin.locator(".pqa-launcher").click()
    tianjin.locator(".pqa-input").fill("问一句")
    tianjin.locator(".pqa-send").click()
    expect(tianjin.locator(".pqa-bot:not(.pqa-welcome)").last).to_have_attribute("data-state", "done")
    assert scripted_api.server.requests[-1]["region"] == "天津"
    page.reload()
    expect(widget("天津问答").locator(".pqa-user", has_text="问一句")).to_have_count(1)
    expect(widget("重庆问答").locator(".pqa-user")).to_have_count(0)


def test_feedback_under_an_answer_reaches_the_question_log(app_server, open_tab):
    """👎 opens a comment box; what is sent is stored against the answer's id in the real log."""
    import sqlite3

    tab = open_tab(app_server.url + "/")
    page = tab.page
    open_widget(page)
    sent = []
    page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/api/feedback") else None)
    answer = ask(page, "灵活就业人员的社会保险费可以缓缴吗？")
    answer.locator(".pqa-feedback-btn[data-helpful='no']").click()
    answer.locator(".pqa-feedback-text").fill("没有说怎么申请")
    answer.locator(".pqa-feedback-send").click()
    expect(answer.locator(".pqa-feedback")).to_have_attribute("data-feedback", "sent")
    expect(answer.locator(".pqa-feedback-done")).to_have_text("谢谢您的反馈！")
    assert sent[0]["helpful"] is False and sent[0]["comment"] == "没有说怎么申请" and len(sent[0]["ask_id"]) == 32
    with sqlite3.connect(os.environ["POLICYQA_LOG_DB"]) as db:
        row = db.execute("SELECT helpful, comment FROM feedback WHERE ask_id = ?", (sent[0]["ask_id"],)).fetchone()
    assert row == (0, "没有说怎么申请")
    again = ask(page, "网络货运平台有什么支持？")
    expect(again.locator(".pqa-feedback-btn")).to_have_count(2)
    page.reload()  # the transcript survives a reload: a given vote shows as given, the other can still be given
    open_widget(page)
    restored = page.locator(".pqa-bot:not(.pqa-welcome)")
    expect(restored.first.locator(".pqa-feedback-done")).to_have_text("已反馈，谢谢！")
    restored.last.locator(".pqa-feedback-btn[data-helpful='yes']").click()
    expect(restored.last.locator(".pqa-feedback-done")).to_have_text("谢谢您的反馈！")
    assert sent[-1]["helpful"] is True and sent[-1]["ask_id"] != sent[0]["ask_id"]
