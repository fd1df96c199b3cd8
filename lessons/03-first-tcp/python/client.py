# 第 03 课：TCP 客户端（Python 版），和 l03-client 说同样的话。
import argparse
import socket
import sys

parser = argparse.ArgumentParser(description="连上第 03 课的服务端，说一句话")
parser.add_argument("text", nargs="?", default="你是who?")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=8888)
args = parser.parse_args()

# ANCHOR: steps
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # 1. socket
client.settimeout(10)
try:
    client.connect((args.host, args.port))  # 2. connect：三次握手在这里完成
except ConnectionRefusedError:
    print("连不上服务端。先在另一个终端里启动它：just lesson 03 server", file=sys.stderr)
    sys.exit(1)
client.sendall(args.text.encode("utf-8"))  # 3. send：字符串先编码成字节
reply = client.recv(1024)  # 4. recv：回复也是字节
print(f"收到回复 {len(reply)} 个字节：{reply}")
print("按 UTF-8 解码：" + reply.decode("utf-8", errors="replace"))
client.close()  # 5. close
# ANCHOR_END: steps
