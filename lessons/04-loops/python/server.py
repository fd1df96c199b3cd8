# 第 04 课：V2 服务端（Python 版），和 l04-server 说同样的协议、打印同样的日志。
# 和教程一样，一次 recv(1024) 读到的就是一条消息；回复 b"[内容] ctime()"，不带换行符。
# 一次只服务一个客户端。
import argparse
import socket
import time

parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=6969)
parser.add_argument("--idle-timeout", type=int, default=30)
args = parser.parse_args()


def describe(data):
    """日志里的“收到：……”，和 Rust 版的 describe 一样。"""
    if not data:
        return "收到一条空消息（只有一个换行符）"
    text = data.decode("utf-8", errors="replace")
    note = "" if text.encode("utf-8") == data else "（含非法 UTF-8，已用 � 代替）"
    if len(text) > 80:
        text = "%s……（共 %d 字节）" % (text[:80], len(text.encode("utf-8")))
    return "收到：%s%s" % (text, note)


server = socket.create_server((args.host, args.port))
print("服务端 正在监听 %s:%d" % server.getsockname()[:2], flush=True)
while True:  # 外层循环：一个接一个地接受客户端
    print("等待连接……", flush=True)
    conn, addr = server.accept()
    print("客户端 %s:%d 连上了" % addr, flush=True)
    conn.settimeout(args.idle_timeout)  # 不说话的客户端不能让排队的人永远等下去（Rust 版还要求最低速率，这里从简）
    count = 0
    try:
        with conn:
            while True:  # 内层循环：一问一答
                data = conn.recv(1024)
                if not data:  # b''：对方关闭了连接，离开内层循环，不空转
                    break
                count += 1
                # 手敲消息的人按回车会带上一个换行符，它不算内容；只去掉一个。
                if data.endswith(b"\r\n"):
                    data = data[:-2]
                elif data.endswith(b"\n"):
                    data = data[:-1]
                print(describe(data), flush=True)
                conn.sendall(b"[%s] %s" % (data, time.ctime().encode("utf-8")))
        print("客户端 %s:%d 断开了连接（这次共 %d 条消息）" % (addr[0], addr[1], count), flush=True)
    except OSError as e:  # 超时、连接被重置：只断开这一个客户端
        print("和客户端 %s:%d 的连接出错（%s），断开" % (addr[0], addr[1], e), flush=True)
