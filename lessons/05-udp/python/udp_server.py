# 第 05 课：UDP 服务端（Python 版）。每收到一个数据报，就给发送方寄回 "Hello, <数据>!"。
# 输出与 l05-server 相同：第一行是真正绑定的地址。
import argparse
import socket

parser = argparse.ArgumentParser(description="UDP 服务端")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9999)
parser.add_argument("--buffer", type=int, default=1024)
args = parser.parse_args()

# ANCHOR: server
# SOCK_DGRAM：数据报套接字，也就是 UDP。绑定之后不用 listen，也没有 accept。
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((args.host, args.port))
host, port = s.getsockname()[:2]
print("UDP 服务端 正在监听 %s:%d" % (host, port), flush=True)

while True:
    # 一次收一个完整的数据报，同时知道是谁发来的。
    data, addr = s.recvfrom(args.buffer)
    # 坏字节换成 U+FFFD，而不是抛出 UnicodeDecodeError 让服务端退出。
    text = data.decode("utf-8", errors="replace")
    line = "收到 %s:%d 的 %d 字节：%s" % (addr[0], addr[1], len(data), text)
    if not data:
        line += "（空数据报，照样回答）"
    print(line, flush=True)
    s.sendto(("Hello, %s!" % text).encode("utf-8"), addr)
# ANCHOR_END: server
