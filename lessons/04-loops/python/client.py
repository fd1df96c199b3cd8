# 第 04 课：V2 客户端（Python 版），输出和 l04-client 相同。
# 标准输入的每一行作为一条消息发给服务端（和教程一样一次发完、不加换行符），
# 然后 recv 一次，读到的就是回复；空行或 EOF 结束。
import argparse
import socket
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=6969)
args = parser.parse_args()


def preview(text):
    if len(text) <= 80:
        return text
    return "%s……（共 %d 字节）" % (text[:80], len(text.encode("utf-8")))


sock = socket.create_connection((args.host, args.port), timeout=10)
print("已连接到服务端 %s:%d（输入一行发送，空行或 EOF 结束）" % sock.getpeername()[:2], flush=True)
sent = 0
for line in sys.stdin.buffer:
    data = line.rstrip(b"\r\n")
    if not data:
        break
    if len(data) > 1024:
        # 服务端一次只读 1024 字节：更长的消息会被拆成几条、得到几条回复。
        print("这条消息有 %d 字节，没有发送：服务端一次只读 1024 字节，更长的消息会被拆成几条、"
              "得到几条回复，一问一答就对不上了（第 08 课讲怎么解决）" % len(data), flush=True)
        continue
    sock.sendall(data)
    sent += 1
    print("发送：%s" % preview(data.decode("utf-8", errors="replace")), flush=True)
    # 回复比消息长 27 字节（[、] 和时间），所以给 2048 字节的空间，而不是教程的 1024。
    reply = sock.recv(2048)
    if not reply:
        sys.exit("服务端关闭了连接，没有回复")
    print("收到：%s" % reply.decode("utf-8", errors="replace"), flush=True)
print("会话结束，共发送 %d 条消息" % sent, flush=True)
sock.close()
