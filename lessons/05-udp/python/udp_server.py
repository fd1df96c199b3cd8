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
    try:
        text = data.decode("utf-8")
        reply = ("Hello, %s!" % text).encode("utf-8")
        note = "（空数据报，照样回答）" if not data else ""
    except UnicodeDecodeError:
        # 不让异常结束服务端，也不把坏字节换成 U+FFFD 塞进回答（那样回答比请求大三倍）：
        # 只回一句简短的错误。
        text = data.decode("utf-8", errors="replace")
        reply = "错误：不是合法的 UTF-8".encode("utf-8")
        note = "（不是合法的 UTF-8，只回答一句简短的错误）"
    print("收到 %s:%d 的 %d 字节：%s%s" % (addr[0], addr[1], len(data), text, note), flush=True)
    s.sendto(reply, addr)
# ANCHOR_END: server
