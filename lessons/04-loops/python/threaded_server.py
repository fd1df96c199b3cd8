# 第 04 课：每个连接一个线程的服务端（Python 版），协议与 l04-threaded-server 相同：
# 连上先收到 b"Welcome!"，之后每次 recv 读到的名字回复 b"Hello, 名字!"，
# 名字是 exit 或对方断开时结束。所有的话都不带换行符，和教程一样。
import argparse
import socket
import threading
import time


def tcplink(sock, addr, delay, idle):
    print("接受来自 %s:%d 的新连接……" % addr, flush=True)
    sock.settimeout(idle)
    count = 0
    try:
        with sock:
            sock.sendall(b"Welcome!")
            while True:
                data = sock.recv(1024)
                if not data:
                    break
                if data.endswith(b"\r\n"):
                    data = data[:-2]
                elif data.endswith(b"\n"):
                    data = data[:-1]
                # 有损解码：坏字节换成 �，不让这个线程因为一个异常悄悄死掉。
                name = data.decode("utf-8", errors="replace")
                if name == "exit":
                    break
                if name.encode("utf-8") != data:
                    print("来自 %s:%d 的消息含非法 UTF-8，已用 � 代替" % addr, flush=True)
                count += 1
                time.sleep(delay)
                sock.sendall(("Hello, %s!" % name).encode("utf-8"))
        print("来自 %s:%d 的连接已关闭（%d 条消息）。" % (addr[0], addr[1], count), flush=True)
    except OSError as e:
        print("和 %s:%d 的连接出错（%s），关闭。" % (addr[0], addr[1], e), flush=True)


parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9999)
parser.add_argument("--delay-ms", type=int, default=0)
parser.add_argument("--idle-timeout", type=int, default=30)
args = parser.parse_args()

server = socket.create_server((args.host, args.port))
print("服务端 正在监听 %s:%d" % server.getsockname()[:2], flush=True)
print("等待连接……", flush=True)
while True:
    sock, addr = server.accept()
    # 每个连接交给一个新线程，主线程马上回去 accept 下一个。
    threading.Thread(target=tcplink, args=(sock, addr, args.delay_ms / 1000, args.idle_timeout),
                     daemon=True).start()
