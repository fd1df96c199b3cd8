# 第 03 课：最小的 HTTP GET 客户端（Python 版），做的事和 l03-http-get 相同。
import argparse
import socket
import sys

parser = argparse.ArgumentParser(description="HTTP GET：打印响应头，把正文存进文件")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=8000)
parser.add_argument("--path", default="/")
parser.add_argument("--output", default="index.html")
args = parser.parse_args()

# ANCHOR: get
s = socket.create_connection((args.host, args.port), timeout=10)
request = f"GET {args.path} HTTP/1.1\r\nHost: {args.host}:{args.port}\r\nConnection: close\r\n\r\n"
s.sendall(request.encode("ascii"))
chunks = []
while True:
    chunk = s.recv(1024)  # 读到 b'' 说明服务端发完并关闭了连接
    if not chunk:
        break
    chunks.append(chunk)
s.close()
data = b"".join(chunks)  # 整个响应都在内存里：大文件时要小心
if b"\r\n\r\n" not in data:
    sys.exit("响应里没有空行 \\r\\n\\r\\n，分不出响应头和正文")
head, body = data.split(b"\r\n\r\n", 1)
print(head.decode("utf-8", errors="replace"))
with open(args.output, "wb") as f:
    f.write(body)
print(f"正文 {len(body)} 个字节，已保存到 {args.output}")
# ANCHOR_END: get
