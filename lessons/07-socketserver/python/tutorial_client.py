# 第 07 课：照教程思路写的客户端：input 一行，send 一次（不带换行），recv(1024) 一次，打印。
# 空行结束。它不认识我们的任何约定，只认教程的协议，用来证明 l07-server 和教程在线上完全一样。
import argparse
import socket

parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=9999)
args = parser.parse_args()

# ANCHOR: client
sock = socket.socket()
sock.connect((args.host, args.port))
while True:
    words = input(">>:").strip()
    if not words:
        break
    sock.send(words.encode())
    print(sock.recv(1024).decode())
sock.close()
# ANCHOR_END: client
