# 第 04 课：V2 服务端（Python 版），和 l04-server 说同样的协议、打印同样的日志。
# 一行一条消息；对每一行回复 "[内容] ctime()"；一次只服务一个客户端。
import argparse
import socket
import time

parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=6969)
args = parser.parse_args()

server = socket.create_server((args.host, args.port))
print("服务端 正在监听 %s:%d" % server.getsockname()[:2], flush=True)
while True:  # 外层循环：一个接一个地接受客户端
    print("等待连接……", flush=True)
    conn, addr = server.accept()
    print("客户端 %s:%d 连上了" % addr, flush=True)
    count = 0
    with conn, conn.makefile("rb") as lines:
        # 内层循环：for 逐行读，对方关闭连接时它自己结束——读到 b'' 不会空转。
        for line in lines:
            text = line.rstrip(b"\r\n").decode("utf-8", errors="replace")
            count += 1
            print("收到：%s" % text, flush=True)
            conn.sendall(("[%s] %s\n" % (text, time.ctime())).encode("utf-8"))
    print("客户端 %s:%d 断开了连接（这次共 %d 条消息）" % (addr[0], addr[1], count), flush=True)
