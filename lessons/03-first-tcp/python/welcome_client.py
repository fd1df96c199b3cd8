# 第 03 课教程版欢迎客户端（种子 002 “简单的TCP socket示例”）：连上，收一次，打印。
# l03-welcome-client 是它逐行对应的 Rust。
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 12345

# ANCHOR: main
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# 教程连的是 192.168.247.1（作者电脑的局域网地址）；这里连本机。
client.connect(("127.0.0.1", port))
print("start Socket client")

# 只收一次，最多 1024 个字节
msg = client.recv(1024).decode("utf-8")
print("client receive message={0}".format(msg))
client.close()
# ANCHOR_END: main
