# 第 05 课：UDP 客户端（Python 版）。逐个发送名字，打印回答；等不到就重发。
# 输出与 l05-client 相同。
import argparse
import socket
import sys
import time

parser = argparse.ArgumentParser(description="UDP 客户端")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9999)
parser.add_argument("--timeout-ms", type=int, default=1000)
parser.add_argument("--retries", type=int, default=3)
parser.add_argument("names", nargs="*", default=["Michael", "Tracy", "Sarah"])
args = parser.parse_args()

# ANCHOR: client
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# connect 不发送任何东西：只让系统记住对方，之后只收对方发来的数据报。
s.connect((args.host, args.port))
timeout = args.timeout_ms / 1000


def ask(name):
    expected = ("Hello, %s!" % name).encode("utf-8")
    for attempt in range(1, args.retries + 2):
        s.send(name.encode("utf-8"))
        why = "等了 %d 毫秒没有回答" % args.timeout_ms
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                reply = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionRefusedError:
                # Linux 上，connect 过的 UDP 套接字会这样报告“对方端口上没有程序”。
                why = "系统报告服务端的端口上没有程序"
                break
            if reply == expected:
                return reply.decode("utf-8")
            # 内容对不上：多半是上一个问题迟到的回答，丢掉，接着等。
            why = "等了 %d 毫秒，只收到对不上的回答" % args.timeout_ms
            print("（丢掉一个对不上的回答：%s）" % reply.decode("utf-8", "replace"), flush=True)
        if attempt <= args.retries:
            print("（%s：%s，第 %d 次重发）" % (name, why, attempt), flush=True)
    return None


for name in args.names:
    reply = ask(name)
    if reply is None:
        print("错误： 服务端 %s:%d 没有回答。先在另一个终端里启动它：just lesson 05 server"
              % (args.host, args.port), file=sys.stderr)
        sys.exit(1)
    print(reply, flush=True)
s.close()
# ANCHOR_END: client
