# 第 04 课：全双工聊天客户端（Python 版），和 l04-chat-client 一样：
# 发送线程把键盘输入的每一行发出去，主线程接收并打印服务端转来的每一行。
import argparse
import socket
import sys
import threading

parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=12345)
args = parser.parse_args()

sock = socket.create_connection((args.host, args.port), timeout=10)
sock.settimeout(None)  # 连上之后，聊天时很久没人说话是正常的
print("已连接到聊天室 %s:%d（空行或 exit 离开）" % sock.getpeername()[:2], flush=True)


def send():
    for line in sys.stdin.buffer:
        data = line.rstrip(b"\r\n")
        if not data or data == b"exit":
            break
        sock.sendall(data + b"\n")
    # 半关闭：服务端读到 EOF 后关闭连接，下面的 for 循环随之结束。
    # 不需要教程里那个全局的 running 变量。
    sock.shutdown(socket.SHUT_WR)


threading.Thread(target=send, name="send_thread", daemon=True).start()
for line in sock.makefile("rb"):
    print(line.rstrip(b"\r\n").decode("utf-8", errors="replace"), flush=True)
print("你已离开聊天室", flush=True)
