# 第 03 课：本机的小 HTTP 服务端，测试 l03-http-get 用。
# 和 `python3 -m http.server` 是同一个处理程序，只是先打印出真正监听的地址，
# 这样 --port 0（让系统挑端口）时，测试也知道该连哪里。
import argparse
import functools
import http.server
import os

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser(description="把一个目录当网站提供出去")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=8000)
parser.add_argument("--dir", default=os.path.join(here, "www"))
args = parser.parse_args()

handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=args.dir)
with http.server.ThreadingHTTPServer((args.host, args.port), handler) as httpd:
    host, port = httpd.server_address[:2]
    print(f"HTTP 服务端 正在监听 {host}:{port}", flush=True)
    httpd.serve_forever()
