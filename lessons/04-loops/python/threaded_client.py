# 第 04 课：多线程服务端的客户端（Python 版），输出与 l04-threaded-client 相同。
# 和教程一样：每个名字一次发完、不加换行符，recv 一次就是一条回复。
import argparse
import socket
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9999)
parser.add_argument("--names", default="Michael,Tracy,Sarah")
args = parser.parse_args()

sock = socket.create_connection((args.host, args.port), timeout=10)


def receive():
    data = sock.recv(2048)
    if not data:
        sys.exit("服务端关闭了连接")
    return data.decode("utf-8", errors="replace")


print(receive(), flush=True)  # Welcome!
for name in args.names.split(","):
    sock.sendall(name.encode("utf-8"))  # 发完就等回复：两个名字不会挤进同一次 recv
    print(receive(), flush=True)
sock.sendall(b"exit")
sock.close()
