# 第 04 课：每个连接一个线程的服务端（Python 版），协议与 l04-threaded-server 相同：
# 连上先收到 "Welcome!"，之后每一行回复 "Hello, 内容!"，"exit" 或断开时结束。
import argparse
import socket
import threading
import time


def tcplink(sock, addr, delay):
    print("接受来自 %s:%d 的新连接……" % addr, flush=True)
    count = 0
    with sock, sock.makefile("rb") as lines:
        sock.sendall(b"Welcome!\n")
        for line in lines:
            name = line.rstrip(b"\r\n").decode("utf-8", errors="replace")
            if name == "exit":
                break
            count += 1
            time.sleep(delay)
            sock.sendall(("Hello, %s!\n" % name).encode("utf-8"))
    print("来自 %s:%d 的连接已关闭（%d 条消息）。" % (addr[0], addr[1], count), flush=True)


parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9999)
parser.add_argument("--delay-ms", type=int, default=0)
args = parser.parse_args()

server = socket.create_server((args.host, args.port))
print("服务端 正在监听 %s:%d" % server.getsockname()[:2], flush=True)
print("等待连接……", flush=True)
while True:
    sock, addr = server.accept()
    # 每个连接交给一个新线程，主线程马上回去 accept 下一个。
    threading.Thread(target=tcplink, args=(sock, addr, args.delay_ms / 1000), daemon=True).start()
