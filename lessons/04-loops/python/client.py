# 第 04 课：V2 客户端（Python 版），输出和 l04-client 相同。
# 标准输入的每一行发给服务端（加上 \n 作为边界），打印回复；空行或 EOF 结束。
import argparse
import socket
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=6969)
args = parser.parse_args()

sock = socket.create_connection((args.host, args.port), timeout=10)
print("已连接到服务端 %s:%d（输入一行发送，空行或 EOF 结束）" % sock.getpeername()[:2], flush=True)
replies = sock.makefile("rb")
sent = 0
for line in sys.stdin.buffer:
    data = line.rstrip(b"\r\n")
    if not data:
        break
    sock.sendall(data + b"\n")
    sent += 1
    print("发送：%s" % data.decode("utf-8", errors="replace"), flush=True)
    reply = replies.readline()
    if not reply:
        sys.exit("服务端关闭了连接，没有回复")
    print("收到：%s" % reply.rstrip(b"\r\n").decode("utf-8", errors="replace"), flush=True)
print("会话结束，共发送 %d 条消息" % sent, flush=True)
sock.close()
