#!/usr/bin/env python3
"""The Atom feeds (RFC 4287) read by an existing feed reader used unchanged: `feedparser` (PyPI,
pinned in requirements.txt), the parser behind many feed readers, which flags a feed that is not
well-formed or not Atom (`bozo`) and normalises what it reads.

Against a running `ejia serve --demo`: two editors publish articles through the API (four eyes),
one tagged with a street and a topic, one with hostile Markdown; then the whole feed, the
topic's and the street's are read and checked — valid Atom 1.0, the right entries with
their links, dates and content, nothing of the script — and a withdrawn article leaves them.

Usage: check_feeds.py PATH/TO/ejia   (starts `ejia serve --demo` on a fresh data directory)
"""

import os
import sys

import feedparser
import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from ejia_server import account, run  # noqa: E402


def main():
    run(sys.argv[1], "feeds", check)
    print("feeds: feedparser reads the news, topic and street feeds as valid Atom 1.0")


class Client:
    def __init__(self, base, token):
        self.base, self.headers = base, {"Authorization": f"Bearer {token}"}

    def post(self, path, body, expect):
        r = requests.post(f"{self.base}/api/v1{path}", json=body, headers=self.headers)
        assert r.status_code == expect, (path, r.status_code, r.text)
        return r.json()


def publish(author, publisher, body):
    article = author.post("/articles", body, 201)
    author.post(f"/articles/{article['id']}/transitions", {"to": "review"}, 200)
    publisher.post(f"/articles/{article['id']}/transitions", {"to": "published"}, 200)
    return article["id"]


def read(base, path):
    r = requests.get(f"{base}{path}")
    assert r.status_code == 200, (path, r.status_code)
    assert r.headers["content-type"].startswith("application/atom+xml"), r.headers["content-type"]
    feed = feedparser.parse(r.content, response_headers={**r.headers, "content-location": f"{base}{path}"},
                             sanitize_html=False)  # judge our own sanitising, not its
    assert not feed.bozo, (path, feed.bozo_exception)
    assert feed.version == "atom10", (path, feed.version)
    assert feed.feed.get("title") and feed.feed.get("id") and feed.feed.get("updated_parsed"), feed.feed
    for entry in feed.entries:
        assert entry.get("id") and entry.get("title") and entry.get("updated_parsed"), entry
        assert entry.link.startswith(base + "/news/"), entry.link
    return feed


def titles(feed):
    return [e.title for e in feed.entries]


def check(binary, data_dir, base):
    editor = Client(base, account(binary, data_dir, "13966600001", "编辑甲", "editor"))
    other = Client(base, account(binary, data_dir, "13966600002", "编辑乙", "editor"))
    street = requests.get(f"{base}/api/v1/streets").json()["items"][0]
    topic = editor.post("/topics", {"title": "学百年党史 聚市南力量", "description": "专题"}, 201)

    tagged = publish(editor, other, {
        "title": "红色电影进社区", "summary": "社区放映",
        "body_markdown": "在**新时代文明实践站**放映《长征》。[报名](/events)",
        "topic_ids": [topic["id"]], "street_ids": [street["id"]],
    })
    hostile = publish(editor, other, {
        "title": "党史讲座回顾", "summary": "讲座",
        "body_markdown": "讲座<script>alert(1)</script>回顾 <img src=x onerror=alert(2)> [x](javascript:alert(3))",
    })

    everything = read(base, "/news/feed.atom")
    assert set(titles(everything)) >= {"红色电影进社区", "党史讲座回顾"}, titles(everything)
    for entry in everything.entries:
        html = "".join(c.value for c in entry.get("content", []))
        for bad in ("<script", "onerror", "javascript:", "alert("):
            assert bad not in html.lower(), (entry.title, html)
    lecture = next(e for e in everything.entries if e.title == "红色电影进社区")
    assert lecture.link == f"{base}/news/{tagged}", lecture.link
    assert "新时代文明实践站" in lecture.content[0].value

    assert titles(read(base, f"/topics/{topic['id']}/feed.atom")) == ["红色电影进社区"]
    assert "红色电影进社区" in titles(read(base, f"/news/feed.atom?street={street['id']}"))
    assert "党史讲座回顾" not in titles(read(base, f"/news/feed.atom?street={street['id']}"))

    other.post(f"/articles/{hostile}/transitions", {"to": "withdrawn"}, 200)
    assert "党史讲座回顾" not in titles(read(base, "/news/feed.atom"))


if __name__ == "__main__":
    main()
