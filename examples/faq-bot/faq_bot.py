#!/usr/bin/env python3
"""A keyword FAQ bot for a Switchboard queue's `bot:` (Python 3 standard library only).

Switchboard POSTs each visitor line of a chat with the bot as JSON
{"chat", "queue", "name", "text", "time"}, signed as its webhooks are:
    X-Switchboard-Timestamp: Unix seconds
    X-Switchboard-Signature: sha256=HEX(HMAC-SHA256(secret, timestamp + "." + body))
This bot checks the signature (and refuses requests older than five minutes), then answers
    {"reply": "...", "handoff": false}          a known question
    {"handoff": true, "queue": "billing"}       billing words: to the billing agents
    {"handoff": true, "reply": "..."}           asked for a person, or twice not understood

Run:  SB_BOT_SECRET=... python3 faq_bot.py --port 8090
with the queue's  bot: { url: http://127.0.0.1:8090/ask, secret: ${SB_BOT_SECRET} }
"""
import argparse
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAQ = [
    (("open", "hours", "opening"), "We are open Monday to Friday, 9:00 to 17:00."),
    (("ship", "delivery", "deliver"), "Orders ship within two working days; you get a tracking link by e-mail."),
    (("return", "refund"), "You can return anything within 30 days: https://shop.example.com/returns"),
    (("password", "login", "log in"), "Reset your password at https://shop.example.com/reset"),
]
BILLING = ("invoice", "charge", "billing", "payment")
PERSON = ("agent", "human", "person", "someone")
LONGEST_BODY = 64 * 1024
MAX_AGE = 300  # seconds a signed request stays acceptable


def answer(text, misses):
    """The bot's answer to one line; `misses` counts lines not understood, per chat."""
    words = text.lower()
    if any(word in words for word in PERSON):
        return {"handoff": True, "reply": "I'll pass you to a colleague."}
    if any(word in words for word in BILLING):
        return {"handoff": True, "queue": "billing"}
    for keys, reply in FAQ:
        if any(key in words for key in keys):
            return {"reply": reply, "handoff": False}
    if misses >= 1:
        return {"handoff": True, "reply": "Let me find someone who can help."}
    return {"reply": "Sorry, I did not get that. Ask about opening hours, shipping, returns or passwords, or write 'agent'.",
            "handoff": False}


def signed(secret, timestamp, body, signature):
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature or "")


class Bot(BaseHTTPRequestHandler):
    secret = ""
    misses = {}  # chat id -> lines not understood (a real bot keeps this with a lifetime)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > LONGEST_BODY:
            return self.reply(413, {"error": "bad length"})
        body = self.rfile.read(length)
        timestamp = self.headers.get("X-Switchboard-Timestamp") or ""
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_AGE:
            return self.reply(401, {"error": "stale or missing timestamp"})
        if not signed(self.secret, timestamp, body, self.headers.get("X-Switchboard-Signature")):
            return self.reply(401, {"error": "bad signature"})
        try:
            question = json.loads(body)
            text, chat = str(question["text"]), str(question["chat"])
        except (ValueError, KeyError, TypeError):
            return self.reply(400, {"error": "not a question"})
        result = answer(text, self.misses.get(chat, 0))
        if result.get("reply", "").startswith("Sorry"):
            self.misses[chat] = self.misses.get(chat, 0) + 1
        if result.get("handoff"):
            self.misses.pop(chat, None)
        self.reply(200, result)

    def reply(self, status, document):
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):  # one line per request, never the body (visitors' words)
        sys.stderr.write("faq-bot: %s\n" % (fmt % args))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    options = parser.parse_args()
    Bot.secret = os.environ.get("SB_BOT_SECRET", "")
    if not Bot.secret:
        sys.exit("faq-bot: set SB_BOT_SECRET to the queue's bot secret")
    server = ThreadingHTTPServer((options.host, options.port), Bot)
    print("faq-bot: listening on http://%s:%d/ask" % (options.host, server.server_address[1]), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
