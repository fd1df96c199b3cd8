# 第 08 课：按四种模式连续发送几条消息（Python 版），可以发给 l08-server。
# 用法：python3 sender.py --port 8888 --mode length 我爱Python 我爱阿芬
import argparse
import socket
import struct

parser = argparse.ArgumentParser(description="按所选模式连续发送消息")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=8888)
parser.add_argument("--mode", choices=["raw", "ack", "line", "length"], default="length")
parser.add_argument("messages", nargs="*", default=["我爱Python", "我爱阿芬"])
args = parser.parse_args()

try:
    sock = socket.create_connection((args.host, args.port), timeout=10)
except OSError as err:
    raise SystemExit("错误：连不上服务端 %s:%d（%s）。先在另一个终端里启动它：just lesson 08 server --mode %s"
                     % (args.host, args.port, err, args.mode))
print("已连接 %s:%d，模式 %s" % (sock.getpeername()[0], sock.getpeername()[1], args.mode))


def recv_exactly(sock, n):
    # recv(n) 可能只给一部分，凑齐 n 个字节为止；对方中途关闭就报错。
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("对方在第 %d/%d 字节处关闭了连接" % (len(data), n))
        data += chunk
    return data


for text in args.messages:
    data = text.encode("utf-8")
    # ANCHOR: raw
    if args.mode == "raw":
        sock.sendall(data)  # 教程的写法：什么边界都不标
    # ANCHOR_END: raw
    # ANCHOR: ack
    elif args.mode == "ack":
        sock.sendall(data)
        ack = recv_exactly(sock, 2)  # 等对方回 ok 再发下一条
        assert ack == b"ok", ack
    # ANCHOR_END: ack
    # ANCHOR: line
    elif args.mode == "line":
        sock.sendall(data + b"\n")
    # ANCHOR_END: line
    # ANCHOR: length
    elif args.mode == "length":
        sock.sendall(struct.pack(">I", len(data)) + data)  # 4 字节大端长度 + 内容
    # ANCHOR_END: length
    print("发送：%s（%d 字节）" % (text, len(data)))

sock.shutdown(socket.SHUT_WR)  # 说完了：对方会读到 EOF
reply = b""
while True:
    chunk = sock.recv(1024)
    if not chunk:
        break
    reply += chunk
print("服务端：%s" % reply.decode("utf-8", "replace").strip())
sock.close()
