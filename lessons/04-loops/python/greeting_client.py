# 教程版客户端（教程 000 的 1.5 节）：把问候打印三遍，连发两句，然后每秒说一句“我爱阿芬”。
# ANCHOR: twin
import socket
import sys
import time

port = int(sys.argv[1]) if len(sys.argv) > 1 else 8888
socket_client = socket.socket(family=socket.AF_INET, type=socket.SOCK_STREAM)
socket_client.connect(("127.0.0.1", port))
data = socket_client.recv(1024)
print(data)
print(data.decode("utf-8"))
print(str(data, encoding="utf-8"))
# ANCHOR: sends
socket_client.send("我爱Python".encode(encoding="utf-8"))
socket_client.send("我爱阿芬".encode(encoding="utf-8"))
# ANCHOR_END: sends
for i in range(3):  # 教程是 while True，永远说下去；这里说 3 轮就停
    data = socket_client.recv(1024).decode("utf-8")
    if data != "":
        print(data)
        time.sleep(1)
        socket_client.send("我爱阿芬".encode(encoding="utf-8"))
print('说了 3 轮，停下：教程的 while True 会一直说下去')
# ANCHOR_END: twin
