"""A replica of the user's own, as the seed describes the server: GET /home says which server answers, GET /health
says it is alive (the health path is not /heartbeat, on purpose), GET /slow?ms=N answers after N ms. It reads its
port and server id from the environment (PORT, SERVER_ID) that the load balancer's process backend sets."""
import json
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

SERVER_ID = os.environ.get("SERVER_ID", "0")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status, body=b"", content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/home":
            message = {"message": "Hello from Server: " + SERVER_ID, "status": "successful"}
            self.reply(200, json.dumps(message).encode())
        elif url.path == "/health":
            self.reply(200)
        elif url.path == "/slow":
            time.sleep(int(parse_qs(url.query).get("ms", ["100"])[0]) / 1000)
            self.reply(200, SERVER_ID.encode(), "text/plain")
        else:
            self.reply(404, b'{"message": "not found", "status": "failure"}')

    def log_message(self, fmt, *args):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
