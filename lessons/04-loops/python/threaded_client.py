# 第 04 课：多线程服务端的客户端（Python 版），输出与 l04-threaded-client 相同。
import argparse
import socket
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9999)
parser.add_argument("--names", default="Michael,Tracy,Sarah")
args = parser.parse_args()

sock = socket.create_connection((args.host, args.port), timeout=10)
replies = sock.makefile("rb")


def receive():
    line = replies.readline()
    if not line:
        sys.exit("服务端关闭了连接")
    return line.rstrip(b"\r\n").decode("utf-8", errors="replace")


print(receive())  # Welcome!
for name in args.names.split(","):
    sock.sendall(name.encode("utf-8") + b"\n")  # 换行符是这条消息的边界
    print(receive())
sock.sendall(b"exit\n")
sock.close()
